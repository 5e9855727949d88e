"""A stub room that offers a forecast of money through the registry (no other room is imported)."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.utils import timezone

from improve.core.registry import ForecastSeries, ForecastYear, Room, registry


class StubForecasts(dict[int, D]):
    """What the stub room forecasts now: {start year: mean [£]}; ``synthetic`` marks it demo data."""

    synthetic = False


FIGURES = StubForecasts()


def _stub_forecasts(programme):
    if FIGURES:
        yield ForecastSeries(
            key="stub:placements",
            title="Projected placement spend",
            years=tuple(
                ForecastYear(year, mean, {95: (mean - 1000, mean + 1000)}, 366 if year == 2019 else 365)
                for year, mean in sorted(FIGURES.items())
            ),
            provenance="Stub projection from 31/03/2019",
            made_at=timezone.now(),
            synthetic=FIGURES.synthetic,
        )


@pytest.fixture
def stub_room():
    FIGURES.clear()
    FIGURES.synthetic = False
    FIGURES.update({2019: D("1200000.00"), 2020: D("1300000.00")})
    registry.register(Room(label="forecast_stub", title="Stub", forecasts=(_stub_forecasts,)))
    yield FIGURES
    registry.unregister("forecast_stub")
    FIGURES.clear()

"""Demand for care: children looked after, projected with honest uncertainty, and what it costs (pure NumPy).

- :mod:`~improve.modelling.demand.episodes`: the input (episodes as arrays of days and codes) and
  the classification (age bands, placement categories, excluded legal statuses).
- :mod:`~improve.modelling.demand.population`: daily stock by band × category; entry, move and
  exit rates over a reference window.
- :mod:`~improve.modelling.demand.projection`: the daily projection — expected values from a
  deterministic twin kept by age in days, and simulated paths (rates drawn from their posterior)
  for 50 / 80 / 95 % intervals.
- :mod:`~improve.modelling.demand.calibration`: a synthetic world with known rates, and the
  coverage check of the intervals.
- :mod:`~improve.modelling.demand.costs`: weekly unit costs → spend per month and financial year.
- :mod:`~improve.modelling.demand.backtest`: fit before a past date, project, compare with what happened.
- :mod:`~improve.modelling.demand.scenarios`: fewer entries, another placement mix, other unit
  costs, compared with the baseline path by path.
"""

from django.apps import AppConfig


class TestsRoomConfig(AppConfig):
    """A room that exists only in the test suite: it proves that a room plugs in untouched."""

    name = "improve.tests_room"
    label = "tests_room"
    verbose_name = "Test room"

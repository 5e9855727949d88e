"""``improve board-pack`` and ``improve boards``: the pack as a file; bad input exits with status 2."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_boards_lists_each_board_with_its_slug_and_code(cib, capsys):
    call_command("boards", "--programme", "barking-dagenham-2019")
    out = capsys.readouterr().out
    assert "childrens-improvement-board" in out and " cib " in out


def test_board_pack_writes_the_draft_pack_by_the_board_s_slug_or_code(cib, tmp_path, capsys):
    target = tmp_path / "pack.html"
    call_command(
        "board_pack",
        "--programme",
        "barking-dagenham-2019",
        "--board",
        "childrens-improvement-board",
        "--month",
        "2019-10",
        "--format",
        "html",
        "-o",
        str(target),
    )
    assert "Children&#x27;s Improvement Board: October 2019" in target.read_text(encoding="utf-8")
    assert "Wrote the draft Children's Improvement Board pack for October 2019" in capsys.readouterr().out
    call_command(
        "board_pack",
        "--programme",
        "barking-dagenham-2019",
        "--board",
        "cib",
        "--month",
        "2019-10",
        "--format",
        "html",
        "-o",
        str(target),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--programme", "nowhere", "--board", "cib", "--month", "2019-10"], "There is no programme 'nowhere'"),
        (
            ["--programme", "barking-dagenham-2019", "--board", "nope", "--month", "2019-10"],
            "has no board 'nope': its boards are",
        ),
        (["--programme", "barking-dagenham-2019", "--board", "cib", "--month", "10/2019"], "write it as YYYY-MM"),
    ],
)
def test_bad_input_says_what_is_wrong_and_exits_with_status_2(cib, tmp_path, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("board_pack", *args, "-o", str(tmp_path / "x.pdf"))
    assert error.value.returncode == 2

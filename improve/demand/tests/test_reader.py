"""Reading and checking a return: known small cases, and bad files cell by cell."""

import datetime as dt

import pytest

from improve.demand.pseudonym import pseudonymiser
from improve.demand.reader import collection_year, read_return
from improve.demand.tests.conftest import EPISODES, HEADER, TEST_KEY, TWO_CHILDREN, write

TODAY = dt.date(2026, 11, 28)
KEY = pseudonymiser(TEST_KEY)


def read(tmp_path, files):
    return read_return(write(tmp_path / "return", files), pseudonymise=KEY, today=TODAY)


def messages(result):
    return [str(p) for p in result.problems]


def test_two_children_with_known_dates(tmp_path):
    result = read(tmp_path, TWO_CHILDREN)
    assert result.problems == []
    assert result.years == {2021}  # the latest date, 31/03/2021, is in 2020/21
    clean = {child.key: (child, episodes) for child, episodes in result.clean()}
    amy, amy_episodes = clean[KEY("A1")]
    assert (amy.sex, amy.dob) == (2, dt.date(2015, 2, 3))
    assert [(e.decom, e.dec, e.ls, e.place, e.rec) for e in amy_episodes] == [
        (dt.date(2020, 5, 1), dt.date(2020, 9, 1), "V2", "U6", "X1"),
        (dt.date(2020, 9, 1), dt.date(2021, 3, 31), "C2", "U4", "E4A"),
    ]
    ben, ben_episodes = clean[KEY("B2")]
    assert [(e.decom, e.dec, e.urn) for e in ben_episodes] == [(dt.date(2021, 1, 15), None, "SC123456")]
    assert result.other_rows == {"Missing": 1}
    assert {f.name: f.table for f in result.files} == {
        "episodes.csv": "Episodes",
        "header.csv": "Header",
        "missing.csv": "Missing",
    }


def test_tables_are_recognised_by_their_columns_not_their_names(tmp_path):
    files = {
        "a.csv": TWO_CHILDREN["episodes.csv"],
        "b.csv": " child , Sex,dob,ethnic,upn,mother,mc_dob\n" + TWO_CHILDREN["header.csv"].split("\n", 1)[1],
    }
    result = read(tmp_path, files)
    assert result.problems == [] and {f.table for f in result.files} == {"Episodes", "Header"}


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("A1,32/05/2020,S,V2,N1,U6,PR1,,,,,,", "DECOM", "'32/05/2020' is not a date: write dd/mm/yyyy"),
        ("A1,2020-05-01,S,V2,N1,U6,PR1,,,,,,", "DECOM", "'2020-05-01' is not a date: write dd/mm/yyyy"),
        ("A1,,S,V2,N1,U6,PR1,,,,,,", "DECOM", "A date is required, written dd/mm/yyyy"),
        ("A1,01/05/2020,Q,V2,N1,U6,PR1,,,,,,", "RNE", "'Q' is not a RNE code; accepted: S, L, P, T, B, U"),
        ("A1,01/05/2020,S,C9,N1,U6,PR1,,,,,,", "LS", "'C9' is not a LS code; accepted: C1, C2, D1, E1, V2"),
        ("A1,01/05/2020,S,V2,N9,U6,PR1,,,,,,", "CIN", "'N9' is not a CIN code; accepted: N1, N2"),
        ("A1,01/05/2020,S,V2,N1,U9,PR1,,,,,,", "PLACE", "'U9' is not a PLACE code; accepted: A3, A4"),
        ("A1,01/05/2020,S,V2,N1,U6,PR7,,,,,,", "PLACE_PROVIDER", "'PR7' is not a PLACE_PROVIDER code"),
        ("A1,01/05/2020,S,V2,N1,U6,,,,,,,", "PLACE_PROVIDER", "A code is required: PR0, PR1, PR2, PR3, PR4, PR5"),
        ("A1,01/05/2020,S,V2,N1,U6,PR1,01/06/2020,E99,,,,", "REC", "'E99' is not a REC code; accepted: X1, E11"),
        ("A1,01/05/2020,S,V2,N1,U6,PR1,01/06/2020,,,,,", "REC", "An episode that ended needs a reason: X1"),
        ("A1,01/05/2020,S,V2,N1,U6,PR1,,E4A,,,,", "REC", "A reason for ending is given but DEC is blank"),
        ("A1,01/05/2020,T,V2,N1,U6,PR1,,,MOVED,,,", "REASON_PLACE_CHANGE", "'MOVED' is not a REASON_PLACE_CHANGE"),
        (
            "A1,01/05/2020,S,V2,N1,U6,PR1,01/04/2020,E4A,,,,",
            "DEC",
            "The episode ends (01/04/2020) before it starts (01/05/2020): an end on or after DECOM is accepted",
        ),
        (
            "A1,01/05/2027,S,V2,N1,U6,PR1,,,,,,",
            "DECOM",
            "01/05/2027 is in the future: a date on or before 28/11/2026 is accepted",
        ),
        (
            "A1,01/05/2014,S,V2,N1,U6,PR1,,,,,,",
            "DECOM",
            "The episode starts before the child's date of birth (header.csv row 2)",
        ),
        ("Z9,01/05/2020,S,V2,N1,U6,PR1,,,,,,", "CHILD", "No Header row has this child: add the child to the Header"),
    ],
)
def test_each_bad_cell_is_reported_by_file_row_and_column(tmp_path, row, column, expected):
    header = HEADER + "A1,2,03/02/2015,WBRI,,,\n"
    result = read(tmp_path, {"header.csv": header, "episodes.csv": EPISODES + row + "\n"})
    found = messages(result)
    assert any(m.startswith(f"episodes.csv / row 2 / {column} / {expected}") for m in found), found
    assert result.rejected  # the child is left out whole


def test_a_temporary_placement_needs_no_provider(tmp_path):
    header = HEADER + "A1,2,03/02/2015,WBRI,,,\n"
    result = read(tmp_path, {"header.csv": header, "episodes.csv": EPISODES + "A1,01/05/2020,S,V2,N1,T4,,,,,,,\n"})
    assert result.problems == []


def test_header_problems(tmp_path):
    header = HEADER + "A1,3,03/02/2015,WBRI,,,\nA1,2,03/02/2015,WBRI,,,\nB2,1,,WBRI,,,\n"
    episodes = EPISODES + "A1,01/05/2020,S,V2,N1,U6,PR1,,,,,,\nB2,01/05/2020,S,V2,N1,U6,PR1,,,,,,\n"
    found = messages(read(tmp_path, {"header.csv": header, "episodes.csv": episodes}))
    assert "header.csv / row 2 / SEX / '3' is not a SEX code; accepted: 1, 2" in found
    assert "header.csv / row 3 / CHILD / The child is already on row 2" in found
    assert "header.csv / row 4 / DOB / A date is required, written dd/mm/yyyy" in found


def test_overlapping_episodes_and_duplicates(tmp_path):
    header = HEADER + "A1,2,03/02/2015,WBRI,,,\nB2,1,03/02/2012,WBRI,,,\n"
    episodes = (
        EPISODES
        + "A1,01/05/2020,S,V2,N1,U6,PR1,01/09/2020,X1,,,,\n"
        + "A1,01/08/2020,T,C2,N1,U4,PR4,,,CARPL,,,\n"  # starts before the first ends
        + "B2,01/05/2020,S,V2,N1,U6,PR1,,,,,,\n"
        + "B2,01/05/2020,S,V2,N1,U6,PR1,,,,,,\n"  # the same row again
        + "B2,01/06/2020,T,V2,N1,U4,PR1,,,CARPL,,,\n"  # starts while the first is still open
    )
    result = read(tmp_path, {"header.csv": header, "episodes.csv": episodes})
    assert messages(result) == [
        "episodes.csv / row 5 / DECOM / This is the same row as row 4",
        "episodes.csv / row 3 / DECOM / The episode starts on 01/08/2020 but the child's episode of episodes.csv "
        "row 2 ends on 01/09/2020: an episode starts on or after the previous one's end",
        "episodes.csv / row 6 / DECOM / The episode starts on 01/06/2020 but the child's episode of episodes.csv "
        "row 4 is still open: an episode starts on or after the previous one's end",
    ]
    assert result.counts() == {"duplicate": 1, "overlap": 2}
    assert list(result.clean()) == []


def test_an_unrecognised_file_and_a_missing_column(tmp_path):
    files = {
        **TWO_CHILDREN,
        "notes.csv": "NAME,TEXT\nx,y\n",
        "2019-20/episodes.csv": "CHILD,DECOM,RNE,LS\nA1,01/05/2019,S,V2\n",
    }
    found = messages(read(tmp_path, files))
    assert any(m.startswith("notes.csv / row 1 / The columns match no SSDA903 table") for m in found), found
    assert (
        "2019-20/episodes.csv / row 1 / CIN, PLACE, PLACE_PROVIDER, DEC, REC / The Episodes table needs the "
        "column(s) CIN, PLACE, PLACE_PROVIDER, DEC, REC" in found
    )


def test_one_folder_per_year_and_the_later_year_wins(tmp_path):
    files = {
        "2019-20/header.csv": HEADER + "A1,2,03/02/2015,WBRI,,,\n",
        "2019-20/episodes.csv": EPISODES + "A1,01/05/2019,S,V2,N1,U6,PR1,,,,,,\n",
        "2020-21/header.csv": HEADER + "A1,2,03/02/2015,WBRI,,,\n",
        "2020-21/episodes.csv": EPISODES
        + "A1,01/05/2019,S,V2,N1,U6,PR1,01/09/2020,X1,,,,\nA1,01/09/2020,T,C2,N1,U4,PR4,,,CARPL,,,\n",
    }
    result = read(tmp_path, files)
    assert result.problems == [] and result.years == {2020, 2021}
    ((_child, episodes),) = result.clean()
    assert [(e.decom, e.dec) for e in episodes] == [
        (dt.date(2019, 5, 1), dt.date(2020, 9, 1)),
        (dt.date(2020, 9, 1), None),
    ]


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("2019-20", 2020),
        ("2019_20", 2020),
        ("201920", 2020),
        ("2019-2020", 2020),
        ("2020", 2020),
        ("1999-00", 2000),
        ("2019-21", None),
        ("returns", None),
    ],
)
def test_collection_years_from_folder_names(name, year):
    assert collection_year(name) == year


def test_no_identifier_reaches_what_is_read(tmp_path):
    result = read(tmp_path, TWO_CHILDREN)
    text = repr(result)
    for identifier in ("A123456789012", "RM10 7XX", "IG11", "'A1'", "'B2'"):
        assert identifier not in text

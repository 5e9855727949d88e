import pytest

#: the tests' own pseudonym key (the installation's comes from IMPROVE_PSEUDONYM_KEY)
TEST_KEY = "test-pseudonym-key"

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


@pytest.fixture(autouse=True)
def _pseudonym_key(settings):
    settings.DEMAND_PSEUDONYM_KEY = TEST_KEY


def write(folder, files):
    """Write {relative name: text} under ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


#: two children with known dates: Amy (A1) in care from 01/05/2020, moved on 01/09/2020, home on
#: 31/03/2021; Ben (B2) in care from 15/01/2021, still looked after
TWO_CHILDREN = {
    "header.csv": HEADER + "A1,2,03/02/2015,WBRI,A123456789012,,\nB2,1,20/12/2006,WBRI,B123456789012,,\n",
    "episodes.csv": EPISODES
    + "A1,01/05/2020,S,V2,N1,U6,PR1,01/09/2020,X1,,RM10 7XX,IG11 7YY,\n"
    + "A1,01/09/2020,T,C2,N1,U4,PR4,31/03/2021,E4A,CARPL,RM10 7XX,IG11 8ZZ,\n"
    + "B2,15/01/2021,S,C1,N4,K2,PR4,,,,RM9 4AA,SS1 2BB,SC123456\n",
    "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\nB2,20/12/2006,M,01/02/2021,02/02/2021\n",
}


@pytest.fixture
def loaded(tmp_path, programme):
    """``programme`` with a small synthetic return loaded: 20,000 children, years 2021/22 to 2023/24."""
    from improve.core.audit import SYSTEM
    from improve.demand import services, synthetic

    synthetic.write_return(synthetic.synthesise(children_0_17=20_000, years=3, seed=7), tmp_path / "return")
    result = services.demand_load(actor=SYSTEM, programme=programme, folder=tmp_path / "return", strict=True)
    assert result.load is not None
    return programme

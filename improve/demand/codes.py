"""The SSDA903 code lists, with their meanings and where they come from.

Source: Department for Education, *Children looked after return 2023 to 2024: guide* (the
SSDA903 specification), chapter "Data items" and its annexes, as summarised in the project's
shared DATA-SPECS.md. Codes withdrawn in earlier years are not accepted. Each list maps a code to
its meaning; :data:`LISTS` names the list of each coded column, so the validator reports what
would be accepted from the same place.
"""

from __future__ import annotations

from collections.abc import Mapping

SEX: Mapping[str, str] = {"1": "male", "2": "female"}

RNE: Mapping[str, str] = {
    "S": "started to be looked after",
    "L": "change of legal status only",
    "P": "change of placement, same carer",
    "T": "change of placement and carer",
    "B": "change of legal status and of placement and carer",
    "U": "change of legal status and of placement, same carer",
}

LS: Mapping[str, str] = {
    "C1": "interim care order",
    "C2": "full care order",
    "D1": "freeing order",
    "E1": "placement order",
    "V2": "single period of accommodation under section 20",
    "V3": "accommodated under an agreed series of short-term breaks, single placements",
    "V4": "accommodated under an agreed series of short-term breaks, multiple placements",
    "L1": "under police protection and in local authority accommodation",
    "L2": "emergency protection order",
    "L3": "child assessment order and in local authority accommodation",
    "J1": "remanded to local authority accommodation or youth detention accommodation",
    "J2": "placed in local authority accommodation under PACE",
    "J3": "sentenced to a youth rehabilitation order with a residence or fostering requirement",
}

#: Legal statuses of short-term breaks: DfE leaves them out of the children-looked-after counts.
SHORT_BREAKS = frozenset({"V3", "V4"})

CIN: Mapping[str, str] = {
    "N1": "abuse or neglect",
    "N2": "child's disability",
    "N3": "parental illness or disability",
    "N4": "family in acute stress",
    "N5": "family dysfunction",
    "N6": "socially unacceptable behaviour",
    "N7": "low income",
    "N8": "absent parenting",
}

PLACE: Mapping[str, str] = {
    "A3": "placed for adoption with parental consent with current foster carers",
    "A4": "placed for adoption with parental consent not with current foster carers",
    "A5": "placed for adoption with a placement order with current foster carers",
    "A6": "placed for adoption with a placement order not with current foster carers",
    "H5": "semi-independent living accommodation not subject to children's homes regulations",
    "K1": "secure children's home",
    "K2": "children's home subject to children's homes regulations",
    "P1": "placed with own parents or other person with parental responsibility",
    "P2": "independent living, e.g. in a flat, lodgings, bedsit, B&B or with friends",
    "P3": "residential employment",
    "R1": "residential care home",
    "R2": "NHS or health trust or other establishment providing medical or nursing care",
    "R3": "family centre or mother and baby unit",
    "R5": "young offender institution or prison",
    "S1": "all residential schools, except where dual-registered as a school and children's home",
    "T0": "temporary placement: all types of temporary move",
    "T1": "temporary periods in hospital",
    "T2": "temporary absences of the child on holiday",
    "T3": "temporary accommodation whilst normal foster carer is on holiday",
    "T4": "temporary accommodation of seven days or less",
    "U1": "foster placement with relative or friend, long-term fostering",
    "U2": "foster placement with relative or friend who is also an approved adopter (fostering for adoption)",
    "U3": "foster placement with relative or friend, not long-term or fostering for adoption",
    "U4": "foster placement with other foster carer, long-term fostering",
    "U5": "foster placement with other foster carer who is also an approved adopter (fostering for adoption)",
    "U6": "foster placement with other foster carer, not long-term or fostering for adoption",
    "Z1": "other placements",
}

#: Temporary placements: the placement provider may be left blank.
TEMPORARY_PLACES = frozenset({"T0", "T1", "T2", "T3", "T4"})

PLACE_PROVIDER: Mapping[str, str] = {
    "PR0": "parent or other person with parental responsibility",
    "PR1": "own provision by the council",
    "PR2": "other council provision",
    "PR3": "other public provision, e.g. a primary care trust",
    "PR4": "private provision",
    "PR5": "voluntary, third sector provision",
}

REC: Mapping[str, str] = {
    "X1": "episode ceases and a new one begins the same day (the child stays looked after)",
    "E11": "adopted: application for an adoption order unopposed",
    "E12": "adopted: consent dispensed with by the court",
    "E2": "died",
    "E3": "care taken over by another local authority in the UK",
    "E41": "residence order or child arrangements order granted",
    "E45": "special guardianship order made to former foster carers",
    "E46": "special guardianship order made to carers other than former foster carers",
    "E47": "special guardianship order made to former foster carers who are relatives or friends",
    "E48": "special guardianship order made to carers other than former foster carers, relatives or friends",
    "E4A": "returned home to live with parents or others with parental responsibility, part of care planning",
    "E4B": "returned home to live with parents or others with parental responsibility, not part of care planning",
    "E13": "left care to live with parents, relatives or others with no parental responsibility",
    "E5": "moved into independent living arrangement with formalised support",
    "E6": "moved into independent living arrangement without formalised support",
    "E7": "transferred to residential care funded by adult social care",
    "E8": "period of being looked after ceased for any other reason",
    "E9": "sentenced to custody",
    "E14": "accommodation on remand ended",
    "E15": "age assessment determined child is aged 18 or over",
    "E16": "child moved abroad",
    "E17": "aged 18 or over and remained with current carers (staying put)",
}

REASON_PLACE_CHANGE: Mapping[str, str] = {
    "CARPL": "change to, or implementation of, the care plan",
    "CLOSE": "resignation or closure of the provision",
    "ALLEG": "allegation (section 47)",
    "STAND": "standards of care concern",
    "APPRR": "approval removed",
    "CREQB": "carer requests placement ends: child's behaviour",
    "CREQO": "carer requests placement ends: other reason",
    "CHILD": "child requests placement ends",
    "LAREQ": "responsible council requests placement ends: other reason",
    "PLACE": "change in the status of the placement only",
    "CUSTOD": "child moved into custody",
    "OTHER": "other",
}

#: Reasons for a new episode that change the placement: they need a reason for the change.
PLACEMENT_CHANGES = frozenset({"P", "T", "B", "U"})

#: The coded columns and their lists.
LISTS: Mapping[str, Mapping[str, str]] = {
    "SEX": SEX,
    "RNE": RNE,
    "LS": LS,
    "CIN": CIN,
    "PLACE": PLACE,
    "PLACE_PROVIDER": PLACE_PROVIDER,
    "REC": REC,
    "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
}


def accepted(column: str) -> str:
    """What a coded column accepts, for an error message: "C1, C2, D1, …"."""
    return ", ".join(LISTS[column])

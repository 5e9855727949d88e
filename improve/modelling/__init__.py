"""Pure numerical code: no Django, no import of any other part of Improvement Office.

- :mod:`improve.modelling.fiscal`: UK financial years (1 April – 31 March, written ``2019/20``)
  and their periods (1 = April … 12 = March).
- :mod:`improve.modelling.money`: amounts of money as people write them (``£953k``, ``(1,234)``,
  ``£1.095m``) read exactly into :class:`~decimal.Decimal`, and units (£, £000, £m).
- :mod:`improve.modelling.budget`: the derived budget figures — variation, latest estimate,
  subtotals and totals, funding against requirement — over Decimals, exactly.
- :mod:`improve.modelling.savings`: savings expected by a date, and the RAG of what was delivered.
- :mod:`improve.modelling.figures`: how far a printed total may differ from its printed parts
  by rounding alone.
"""

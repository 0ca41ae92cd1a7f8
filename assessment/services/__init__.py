"""The review's rules, one module per concern: `computation` (opening a period, the indicators and the proposed tier),
`access` (who may do what), `opinions` (the four opinions, the objection round, the final tier and its lock),
`payout` (deductions and the subsidy paid), `renewal` (the non-renewal policy handed to advisors) and `visits`
(return visits and inspections).

Every write locks the review's row (select_for_update) so two clicks or two people make one change; every change is
recorded as a ReviewEvent.
"""

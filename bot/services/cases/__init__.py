"""A case's life, one module per idea, layered bottom to top (each imports
only those above it in this list; nothing is imported here, so the pure
`rules` can be read by the card renderer without pulling in the rest):

rules        the states and who may do what in each (pure)
common       Click, modal answers, the CaseService base (store, clock, gateway, settings, people)
card         the case card: gathered, rendered, posted and updated
removal      snapshot, then delete the member's message
suspensions  enforcing and lifting suspensions
flags        members' flags and the flag threshold
decisions    Warn, Suspend, Add note: modals and submissions
clicks       a moderator's click on a card: find the case, check the rules, hand over
appeals      a member's appeal and its review
intake       each message checked by the policies; profile changes
wiring       builds them and declares every hook, job and result handler
"""

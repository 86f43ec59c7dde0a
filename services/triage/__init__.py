"""The team manager's side: the referral inbox, allocation, the waiting list, the team overview."""

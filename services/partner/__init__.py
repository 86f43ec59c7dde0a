"""Partner (victim or survivor) support records and what the perpetrator's side may see."""

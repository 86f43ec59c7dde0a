"""Cases: open them, take steps, carry out effects, access rules, and the pages that read them."""

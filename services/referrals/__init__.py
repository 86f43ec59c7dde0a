"""The referrer's side: start, fill and send a referral, and follow its status."""

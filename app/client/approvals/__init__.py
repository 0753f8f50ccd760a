"""Approvals of replies beyond a rep's authority, without Qt."""

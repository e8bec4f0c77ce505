"""Stories: the same real-world event reported by many articles, joined."""

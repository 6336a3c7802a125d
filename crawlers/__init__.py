"""One spider per source (spider names are public: see DESIGN.md)."""

"""valse.run: see DESIGN.md, layers."""

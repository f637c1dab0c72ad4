"""valse.data: see DESIGN.md, layers."""

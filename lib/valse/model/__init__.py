"""valse.model: see DESIGN.md, layers."""

"""valse.report: see DESIGN.md, layers."""

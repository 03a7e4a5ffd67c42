"""Signatures collected on paper: typed in row by row, or uploaded as a spreadsheet export."""

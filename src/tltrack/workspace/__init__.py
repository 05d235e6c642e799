"""A data folder: finding and opening it, starting one (init, demo, next year's file). Imports
stores/ (their interface), files/, domain/, text/ and errors."""

"""The domain: targets, figures, periods, values, statuses, judging, roll-up and ranking,
the offices and regions that carry targets, forms and plans. Pure: no I/O, nothing of a
terminal or a file format. Imports only text/ and errors."""

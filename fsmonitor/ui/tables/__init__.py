"""The channel and calls tables: one base model, keyed models per job, the proxy, the views.

``base.ColumnTableModel`` answers header data and whole-cell ``multiData`` for every table;
``keyed_model`` updates rows incrementally; ``channel_model`` and ``calls_model`` adapt the
store; ``ring_model`` bounds the event and log streams; ``proxy`` sorts and filters.
"""

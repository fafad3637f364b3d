"""fsmonitor.ui: the only package that touches widgets.

``models`` adapts the store to Qt (``ChannelTableModel``, ``ChannelFilterProxy``,
``CallsTableModel``); ``main_window.MainWindow`` puts the views together around one
``fsmonitor.net.Monitor``; ``settings`` keeps profiles, layout and thresholds (passwords only
in the keyring or in memory).
"""

"""The monitor-bound panes (dashboard, event log, log, console, channel detail, estate/).

``panels.PANELS`` lists the docks the window builds; a new dock is a module here and one line
there.
"""

"""fsmonitor.ui: the only package that touches widgets, typed on the domain it shows.

Rooms, each a sub-package: ``window`` (the main window and what it owns: connection bar,
settings, export, gc policy), ``tables`` (the channel and calls tables: models, proxy, views),
``docks`` (the monitor-bound panes and the list that registers them), ``actions`` (what an
operator does to selected channels), ``dialogs`` (modal and pop-up forms) and ``common`` (small
helpers every room uses). Views read ``fsmonitor.core`` objects (``Channel``, ``Call``,
``ChannelStore``, ``Stats``) and talk to the switch only through ``fsmonitor.net.Monitor``.
"""

"""fsmonitor.sim"""

"""fsmonitor.ui"""

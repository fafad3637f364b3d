"""fsmonitor.net"""

"""fsmonitor.core"""

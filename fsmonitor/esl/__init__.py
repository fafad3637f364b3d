"""fsmonitor.esl"""

"""docks"""

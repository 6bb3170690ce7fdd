"""The director's view (clause 3.2): statistics, announcements, the readable audit log, the digest.

Pure: the numbers come from storage/director_stats.py, texts and files are made here.
"""

"""Signed QR codes: venue posters and personal QR cards (see docs/formats.md).

Import the functions from ``ravao.codes.signing`` and ``ravao.codes.keys``; this package
stays import-light so that it can be loaded before the apps are ready.
"""

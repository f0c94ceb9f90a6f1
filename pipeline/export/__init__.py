"""Exports of the evidence base for other tools: STIX 2.1 bundles for OpenCTI and MISP."""

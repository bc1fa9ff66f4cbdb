"""Signed certificates: issuer keys, the COSE/CWT payload in the QR, trust and revocation lists.

The model is the EU Digital COVID Certificate's: a CBOR Web Token (RFC 8392) signed as
COSE_Sign1 (RFC 9052, EdDSA), zlib-compressed, base64url-encoded behind the "DC1:" prefix,
verified offline against a published list of issuer keys and a signed revocation list.
"""

#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes ccm_vecs of test_esp_kat.c: the ESP packets of RFC 4309 for the
payloads, SPIs, sequence numbers and IVs of draft-mcgrew-gcm-test-01 (the
GCM vectors), made by python3-cryptography's AESCCM (OpenSSL), which is
first checked against RFC 3610 packet vector #1. Nonce: salt (3 bytes of
KEYMAT after the key) || IV; AAD: SPI || [seq high] || seq low; ICV 16."""
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

# RFC 3610 8, packet vector #1 (13-byte nonce, 8-byte tag)
assert AESCCM(bytes.fromhex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"), tag_length=8).encrypt(
    bytes.fromhex("00000003020100a0a1a2a3a4a5"),
    bytes.fromhex("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e"),
    bytes.fromhex("0001020304050607")).hex() == \
    "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0"

# (row, key, salt, spi, seq, esn, iv, payload || padding || pad length || next header)
VECS = [
    ("NFV_IPSEC_AES_CCM_128", "feffe9928665731c6d6a8f9467308308", "cafeba", 0xa5f8, 0xa, False,
     "facedbaddecaf888",
     "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
     "0001000000000000037369700963796265726369747902646b00000100010001"),
    ("NFV_IPSEC_AES_CCM_128", "4c80cdefbb5d10da906ac73c3613a634", "2e443b", 0x4321,
     0x8765432100000000, True, "4956ed7e3b244cfe",
     "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
     "00000000045f736970045f75647003736970096379626572636974790264"
     "6b000021000101020201"),
    ("NFV_IPSEC_AES_CCM_256", "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
     "112233", 0x4a2cbfe3, 2, False, "0102030405060708",
     "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
     "7002400020bf0000020405b40101040201020201"),
    ("NFV_IPSEC_AES_CCM_256", "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
     "73616c", 0x17405e67, 0x156f3126dd0db99b, True, "616e640169766563",
     "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
     "50101f646d540001"),
]


def chunks(h, n=64):
    return [h[i:i + n] for i in range(0, len(h), n)]


for row, key, salt, spi, seq, esn, iv, plain in VECS:
    lo, hi = seq & 0xffffffff, seq >> 32
    aad = struct.pack("!LLL", spi, hi, lo) if esn else struct.pack("!LL", spi, lo)
    ct = AESCCM(bytes.fromhex(key), tag_length=16).encrypt(
        bytes.fromhex(salt + iv), bytes.fromhex(plain), aad)
    packet = struct.pack("!LL", spi, lo).hex() + iv + ct.hex()
    print("\t{ %s, \"%s %s\",\n\t  0x%x, UINT64_C(0x%x), %s, \"%s\"," % (
        row, key, salt, spi, seq, "true" if esn else "false", iv))
    print("\n".join("\t  \"%s\"" % c for c in chunks(plain)) + ",")
    print("\n".join("\t  \"%s\"" % c for c in chunks(packet)) + " },")

# Independent computation of the seal v1 golden vector and the fingerprint (Python 'cryptography').
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
import struct
master = bytes(range(32))
def hk(info, n=32):
    return HKDF(algorithm=hashes.SHA256(), length=n, salt=None, info=info.encode()).derive(master)
print("fingerprint", hk("guard-cluster/master-key-fingerprint/v1").hex())
purpose="key-cache"
key = hk("guard-cluster/seal/v1/"+purpose)
nonce = bytes([0xA0+i for i in range(12)])
header = bytes([1]) + struct.pack(">I", 1)
pt = b"Guard cluster golden vector"
ct = AESGCM(key).encrypt(nonce, pt, header + purpose.encode())
print("sealed", (header+nonce+ct).hex())
# key id 7
header7 = bytes([1]) + struct.pack(">I", 7)
print("sealed7", (header7+nonce+AESGCM(key).encrypt(nonce, b"", header7+purpose.encode())).hex())

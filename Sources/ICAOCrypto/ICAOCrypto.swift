// The ICAOCrypto layer: see Package.swift for what it holds.
import COpenSSL

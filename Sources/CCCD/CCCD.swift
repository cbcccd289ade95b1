// The CCCD layer: see Package.swift for what it holds.
import CZBar
import CImage

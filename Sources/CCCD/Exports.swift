// A client that reads cards imports CCCD alone: the types of the layers below that its API speaks (AccessKey and
// MRZKey, Trace, TrustStore, ElementaryFile and the data groups, Verdict) come with it.
@_exported import CardIO
@_exported import ICAOSession
@_exported import LDS
@_exported import Verification

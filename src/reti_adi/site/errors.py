"""The one error the site steps raise: the build stops and the previous build/ stays."""


class SiteBuildError(Exception):
    pass

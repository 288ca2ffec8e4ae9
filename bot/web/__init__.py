"""The staff workspace in the browser: sessions, digests, tag corrections, reports, the
safeguarding lead's desk and the audit log, served by aiohttp with Jinja2 templates.

``workspace`` holds the features the pages use (through their public functions and the
store's Protocols; the composition root builds it), ``app`` makes the aiohttp application
(security headers, sign-in, CSRF, kind error pages), ``access`` says who is looking,
``pages`` holds one small module per page, ``serve`` runs it. No JavaScript: every page is a
plain form or link, and reads on a phone.
"""

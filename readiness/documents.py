"""The source documents every question, rule and case statement cites."""

from __future__ import annotations

SEED_DOCUMENTS = {
    "000_c8bf369c45f381b7.txt": "CreativeCH workshop report: critical factors for creative clusters and cultural heritage (Stuttgart, 2012)",
    "001_ce7381cf6abf7c69.txt": "URBACT Creative Clusters: first thematic workshop, diversifying the local economic base (Ploiești, 2009)",
    "002_c60309014ff32336.txt": "TALIA / Interreg MED newsletter: Creative Clusters",
    "003_5359a68c26c8ed2c.txt": "URBACT Creative Clusters project page: creative clusters in low-density urban areas",
    "004_1abee1b91b2d696e.txt": "CREADIS3 (Interreg Europe) good practice: Creative Valley, the creative hub of Mons",
}

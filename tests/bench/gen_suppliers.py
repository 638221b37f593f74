#!/usr/bin/env python3
"""Writes N valid suppliers as a DESIGN §5 `suppliers` CSV (for benchmarks):
unique codes, GB 32100 check digits on every USCC, a tier-2 in every ten.
Numbered from FIRST (default 1), so files with disjoint ranges can be
imported one after another:  gen_suppliers.py N [FIRST]"""
import sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(n: int) -> str:
    body = "914403" + "00" + f"{n:09d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + ALPHABET[(31 - total % 31) % 31]


def main() -> None:
    count = int(sys.argv[1])
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    out = sys.stdout
    out.write("code,name,name_local,uscc,country,business_unit,category,tier,parent_code,"
              "production,status,approved_on,contact_name,contact_email,buyer_email,csr_signed_on\n")
    for i in range(first, first + count):
        # A tier-2 row's parent is the row before it, so never the first row.
        tier, parent = ("2", f"B{i - 1:07d}") if i % 10 == 0 and i > first else ("1", "")
        out.write(f"B{i:07d},Bench Supplier {i} Co. Ltd.,基准供应商{i}有限公司,{uscc(i)},CN,phones,display,"
                  f"{tier},{parent},true,approved,2019-05-01,Zhang Wei,zhang{i}@example.cn,"
                  f"buyer@supplier-esg.demo,2019-04-01\n")


if __name__ == "__main__":
    main()

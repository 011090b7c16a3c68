#!/usr/bin/env python3
"""Writes the address book fixtures in this folder (see README.md).

The files are written as bytes so that what each exporter does to them is
exact: windows-1252 and Shift_JIS bytes, UTF-16LE with a BOM, CRLF, LF and
mixed line ends, quoted-printable soft breaks inside a character's bytes,
vCard 3.0 folds at 75 octets inside a character's bytes. Deterministic:
running it again gives the same bytes.

  python3 tests/data/address_books/make_fixtures.py
"""
import base64
import os
import random

out = os.path.dirname(os.path.abspath(__file__))
random.seed(7)


def qp_all(s, charset="utf-8"):
    # Android encodes every byte of a non-ASCII value, spaces included.
    return "".join("=%02X" % c for c in s.encode(charset))

def qp_fold(prefix, encoded, width=76):
    """Android splits a QP line at `width` with a soft break '=' and no indent; never inside =XX."""
    line = prefix + encoded
    lines = []
    while len(line) > width:
        cut = width - 1
        # do not split an =XX triple
        if line[cut - 1] == "=":
            cut -= 1
        elif line[cut - 2] == "=":
            cut -= 2
        lines.append(line[:cut] + "=")
        line = line[cut:]
    lines.append(line)
    return lines

def b64_lines(nbytes, width):
    """A photo's base64 in lines of `width`: a JPEG's first bytes, then noise."""
    data = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(random.getrandbits(8) for _ in range(nbytes))
    s = base64.b64encode(data).decode()
    return [s[i:i + width] for i in range(0, len(s), width)]

# ---------------------------------------------------------------- Android 2.1
L = []
L += ["BEGIN:VCARD", "VERSION:2.1",
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("Müller") + ";" + qp_all("Jürgen") + ";;;",
      "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("Jürgen Müller"),
      "TEL;CELL:0151 2345 6789",
      "TEL;HOME:(030) 123 456-78",
      "EMAIL;HOME:juergen.mueller@example.de",
      "END:VCARD"]
# a CJK name long enough that the QP line is split with a soft break inside a character's bytes
L += ["BEGIN:VCARD", "VERSION:2.1",
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("山田") + ";" + qp_all("太郎") + ";;;"]
L += qp_fold("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:", qp_all("山田 太郎（株式会社サンプル商事）"))
L += ["TEL;CELL;PREF:+81 90-1234-5678",
      "TEL;WORK:+81 3-1234-5678",
      "EMAIL;WORK:t.yamada@example.co.jp"]
photo = b64_lines(2400, 76)
L += ["PHOTO;ENCODING=BASE64;JPEG:" + photo[0]] + [" " + p for p in photo[1:]] + [""]
L += ["END:VCARD"]
L += ["BEGIN:VCARD", "VERSION:2.1",
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("王") + ";" + qp_all("小明") + ";;;",
      "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("王小明"),
      "TEL;X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE," + qp_all("老家") + "):+86 10 6552 9988",
      "TEL;X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,Soccer coach):555.0199",
      "EMAIL;WORK:xiaoming.wang@example.cn",
      "END:VCARD"]
note = qp_all("Carpool Tuesdays; bring the keys. 周二拼车，记得带钥匙。")
L += ["BEGIN:VCARD", "VERSION:2.1",
      "N:Smith;Anna;;;",
      "FN:Anna Smith",
      "TEL;WORK:+1 (415) 555-0132",
      "TEL;HOME:00 33 1 23 45 67 89",
      "EMAIL;HOME:anna.smith@example.com",
      "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;12 Elm St=0A=",
      "Unit 3;Springfield;OR;97477;US"]
L += qp_fold("NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:", note)
L += ["BDAY:1990-07-04", "END:VCARD"]
L += ["BEGIN:VCARD", "VERSION:2.1",
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("Ó Briain") + ";" + qp_all("Siobhán") + ";;;",
      "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp_all("Siobhán Ó Briain"),
      "END:VCARD"]
open(f"{out}/android_2.1.vcf", "wb").write(("\r\n".join(L) + "\r\n").encode("ascii"))

# ---------------------------------------------------------------- iOS / macOS 3.0
def fold75(line: bytes):
    """RFC 6350 3.2 folding at 75 octets, as Apple does it: by bytes, so a
    multi-byte character may be split between two lines."""
    parts = [line[:75]]
    rest = line[75:]
    while rest:
        parts.append(b" " + rest[:74])
        rest = rest[74:]
    return parts

def card3(lines):
    outl = []
    for l in lines:
        outl += fold75(l.encode("utf-8"))
    return outl

M = []
M += card3(["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.2//EN",
            "N:Dupont;Amélie;;;", "FN:Amélie Dupont", "ORG:Société Générale;",
            "item1.EMAIL;type=INTERNET;type=pref:amelie.dupont@example.fr",
            "item1.X-ABLabel:_$!<Other>!$_",
            "TEL;type=CELL;type=VOICE;type=pref:+33 6 12 34 56 78",
            "item2.TEL:00 33 1 23 45 67 89",
            "item2.X-ABLabel:Bureau Paris",
            "item3.ADR;type=HOME;type=pref:;;12 Rue de Rivoli;Paris;;75001;France",
            "item3.X-ABADR:fr",
            "BDAY:1985-03-12"])
photo = b64_lines(3000, 10**9)
M += fold75(("PHOTO;ENCODING=b;TYPE=JPEG:" + photo[0]).encode())
M += card3(["END:VCARD"])
# the long name is folded at 75 octets in the middle of the two bytes of "ö"
name = "Maximilian Alexander Freiherr von und zu Großschönböck-Österreich-Lötzsch"
fn = "FN:" + name
assert (fn.encode()[75] & 0xC0) == 0x80  # the fold falls inside a character
M += card3(["BEGIN:VCARD", "VERSION:3.0",
            "N:Großschönböck-Österreich-Lötzsch;Maximilian;Alexander;Freiherr von und zu;",
            fn,
            "TEL;TYPE=CELL,VOICE,pref:+1 (415) 555-0132",
            "TEL;TYPE=HOME:555.0199",
            "item1.TEL:+44 20 7946 0958 ext. 123",
            "item1.X-ABLabel:Grandma",
            "item2.EMAIL;type=INTERNET:max@example.at",
            "item2.X-ABLabel:_$!<Work>!$_",
            "NOTE:Met at the conference in Graz\\, 2019.\\nLikes hiking.",
            "END:VCARD"])
M += card3(["BEGIN:VCARD", "VERSION:3.0",
            "N:Tanaka;Yuki;;;",
            "ORG:Müller\\, Schmidt & Partner;Vertrieb",
            "TEL;type=IPHONE;type=CELL;type=VOICE:090-1234-5678",
            "END:VCARD"])
M += card3(["BEGIN:VCARD", "VERSION:3.0",
            "N:;;;;", "FN:", "ORG:Pizzeria Da Michele;",
            "item1.TEL;type=pref:+39 081 553 9204",
            "item1.X-ABLabel:_$!<Main>!$_",
            "X-ABShowAs:COMPANY",
            "END:VCARD"])
# Apple's line ends are CRLF; the split of "ö" lands across a fold
data = b"\r\n".join(M) + b"\r\n"
open(f"{out}/ios_3.0.vcf", "wb").write(data)

# ---------------------------------------------------------------- Outlook / Nokia 2.1 in windows-1252
O = ["BEGIN:VCARD", "VERSION:2.1",
     "N;LANGUAGE=de:Größer;Jürgen",
     "FN:Jürgen Größer",
     "ORG:Bäckerei Größer",
     "TITLE:Geschäftsführer",
     "TEL;WORK;VOICE:+44 20 7946 0958 ext. 123",
     "TEL;CELL;VOICE:0151 2345 6789",
     "ADR;WORK;PREF:;;Hauptstraße 5;Köln;;50667;Deutschland",
     "LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:Hauptstra=DFe 5=0D=0AK=F6ln 50667=0D=0A=",
     "Deutschland",
     "EMAIL;PREF;INTERNET:j.groesser@example.de",
     "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
     "REV:20240115T101010Z",
     "END:VCARD",
     "BEGIN:VCARD", "VERSION:2.1",
     "N;ENCODING=QUOTED-PRINTABLE:Lef=E8vre;Fran=E7ois",
     "TEL;CELL;PREF:(030) 123 456-78",
     "TEL;HOME:555.0199",
     "EMAIL;INTERNET:f.lefevre@example.fr",
     "NOTE;ENCODING=QUOTED-PRINTABLE:Preis: 20 =80 pro St=FCck=0D=0A=",
     "Lieferung Mittwoch",
     "END:VCARD",
     "BEGIN:VCARD", "VERSION:2.1",
     "N;CHARSET=ISO-8859-1:Peña;José",
     "TEL;CELL:+34 612 34 56 78",
     "END:VCARD",
     "BEGIN:VCARD", "VERSION:2.1",
     "N:;;;;",
     "FN:Café „Zum Löwen“ – Weinstube",
     "ORG:Café „Zum Löwen“",
     "TEL;WORK;VOICE:(030) 123 456-78",
     "END:VCARD"]
open(f"{out}/outlook_2.1_cp1252.vcf", "wb").write(("\r\n".join(O) + "\r\n").encode("cp1252"))

# ---------------------------------------------------------------- Japanese / Chinese feature phones 2.1
P = b"\r\n".join([
    b"BEGIN:VCARD", b"VERSION:2.1",
    # raw Shift_JIS; the second byte of the first character is 0x5C, a backslash in ASCII
    b"N;CHARSET=SHIFT_JIS:" + "表;太郎".encode("shift_jis"),
    b"SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:" + "ｵﾓﾃ;ﾀﾛｳ".encode("shift_jis"),
    b"TEL;CELL:090-1234-5678",
    b"EMAIL;INTERNET:omote@example.ne.jp",
    b"END:VCARD",
    b"BEGIN:VCARD", b"VERSION:2.1",
    b"N;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:" + qp_all("李", "gb2312").encode() + b";" + qp_all("娜", "gb2312").encode(),
    b"FN;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:" + qp_all("李娜", "gb2312").encode(),
    b"TEL;CELL:138 0013 8000",
    b"END:VCARD",
]) + b"\r\n"
open(f"{out}/feature_phone_2.1_cjk.vcf", "wb").write(P)

# ---------------------------------------------------------------- vCard 4.0
V = ["BEGIN:VCARD", "VERSION:4.0",
     "FN:Zoë Ångström",
     "N:Ångström;Zoë;;;",
     'TEL;VALUE=uri;PREF=1;TYPE="voice,cell":tel:+1-555-555-0100',
     'TEL;VALUE=uri;TYPE="work,voice":tel:+1-555-555-0199;ext=102',
     "EMAIL;TYPE=work:mailto:zoe@example.com",
     "EMAIL;PREF=1:zoe.angstrom@example.org",
     "LANG;TYPE=work;PREF=1:en",
     "END:VCARD",
     "begin:vcard", "version:4.0",
     "fn:Ola Nordmann",
     "tel;type=home:+44 20 7946 0958 ext. 123",
     "Email;Type=home:ola@example.no",
     "end:vcard"]
open(f"{out}/vcard_4.0.vcf", "wb").write(("\n".join(V) + "\n").encode())

# ---------------------------------------------------------------- one bad card among good ones
B = ["BEGIN:VCARD", "VERSION:3.0", "FN:Good One", "TEL:+1 (415) 555-0132", "END:VCARD",   # 1-5
     "BEGIN:VCARD", "VERSION:3.0", "FN:Never Ended", "TEL:111",                            # 6-9
     "BEGIN:VCARD", "VERSION:3.0", "FN:Good Two", "EMAIL:two@example.com", "END:VCARD",    # 10-14
     "BEGIN:VCARD", "VERSION:3.0", "FN:No Colon", "TEL 555 0100", "END:VCARD",             # 15-19
     "FN:Lost Begin", "TEL:222", "END:VCARD",                                              # 20-22
     "BEGIN:VCARD", "VERSION:2.1", "FN;ENCODING=QUOTED-PRINTABLE:Bad=ZZ", "END:VCARD",     # 23-26
     "BEGIN:VCARD", "VERSION:2.1", "FN;CHARSET=X-NO-SUCH-CHARSET:Who", "END:VCARD",        # 27-30
     "BEGIN:VCARD", "VERSION:3.0", "FN:Good Three", "TEL;TYPE=work:0151 2345 6789", "END:VCARD",  # 31-35
     "BEGIN:VCARD", "VERSION:3.0", "FN:Cut Off", "TEL:333"]                                # 36-39
# LF and CRLF mixed, as a file edited on two systems is
data = ""
for i, l in enumerate(B):
    data += l + ("\r\n" if i % 3 == 0 else "\n")
open(f"{out}/malformed.vcf", "wb").write(data.encode())

# ---------------------------------------------------------------- CSV helpers
def csv_row(cells, always_quote=False):
    outc = []
    for c in cells:
        if always_quote or any(ch in c for ch in ',"\r\n'):
            outc.append('"' + c.replace('"', '""') + '"')
        else:
            outc.append(c)
    return ",".join(outc)

# ---------------------------------------------------------------- Google, older "Google CSV"
gh = ["Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
      "Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials", "Nickname",
      "Short Name", "Maiden Name", "Birthday", "Gender", "Location", "Billing Information",
      "Directory Server", "Mileage", "Occupation", "Hobby", "Sensitivity", "Priority", "Subject", "Notes",
      "Language", "Photo", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "E-mail 2 - Type",
      "E-mail 2 - Value", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value",
      "Phone 3 - Type", "Phone 3 - Value", "Address 1 - Type", "Address 1 - Formatted", "Address 1 - Street",
      "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
      "Address 1 - Country", "Address 1 - Extended Address", "Organization 1 - Type", "Organization 1 - Name",
      "Organization 1 - Yomi Name", "Organization 1 - Title", "Organization 1 - Department",
      "Organization 1 - Symbol", "Organization 1 - Location", "Organization 1 - Job Description",
      "Website 1 - Type", "Website 1 - Value"]
def g(d):
    r = [""] * len(gh)
    for k, v in d.items():
        r[gh.index(k)] = v
    return r
rows = [gh,
        g({"Name": "Jürgen Müller", "Given Name": "Jürgen", "Family Name": "Müller",
           "Group Membership": "* myContacts ::: Family",
           "E-mail 1 - Type": "* Home", "E-mail 1 - Value": "juergen@example.de",
           "Phone 1 - Type": "Mobile", "Phone 1 - Value": "0151 2345 6789 ::: +49 160 1234567",
           "Phone 2 - Type": "Home", "Phone 2 - Value": "(030) 123 456-78"}),
        g({"Name": "Smith, Anna", "Given Name": "Anna", "Family Name": "Smith",
           "Notes": "Met at the \"Open Days\", Berlin.\nCall after 6pm.",
           "Group Membership": "* myContacts",
           "E-mail 1 - Type": "Work", "E-mail 1 - Value": "anna.smith@example.com ::: a.smith@example.org",
           "Phone 1 - Type": "Work Fax", "Phone 1 - Value": "+1 (415) 555-0132",
           "Phone 2 - Type": "Google Voice", "Phone 2 - Value": "555.0199",
           "Address 1 - Type": "Home", "Address 1 - Formatted": "12 Elm St\nSpringfield, OR 97477",
           "Address 1 - Street": "12 Elm St", "Address 1 - City": "Springfield"}),
        g({"Name": "", "Given Name": "", "Family Name": "",
           "Group Membership": "* myContacts",
           "Organization 1 - Type": "", "Organization 1 - Name": "Pizzeria Da Michele",
           "Phone 1 - Type": "Main", "Phone 1 - Value": "+39 081 553 9204"}),
        g({"Name": "山田 太郎", "Given Name": "太郎", "Family Name": "山田",
           "Phone 1 - Type": "Other", "Phone 1 - Value": "00 33 1 23 45 67 89",
           "Phone 3 - Type": "Work", "Phone 3 - Value": "+44 20 7946 0958 ext. 123"})]
open(f"{out}/google_contacts.csv", "wb").write(("\r\n".join(csv_row(r) for r in rows) + "\r\n").encode())

# ---------------------------------------------------------------- Google, newer export
nh = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
      "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
      "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
      "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
      "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
      "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
      "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
      "Address 1 - Extended Address", "Website 1 - Label", "Website 1 - Value"]
def n(d):
    r = [""] * len(nh)
    for k, v in d.items():
        r[nh.index(k)] = v
    return r
rows = [nh,
        n({"First Name": "Amélie", "Last Name": "Dupont", "Labels": "* myContacts ::: Work",
           "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "amelie.dupont@example.fr",
           "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+33 6 12 34 56 78",
           "Phone 2 - Label": "Home Fax", "Phone 2 - Value": "00 33 1 23 45 67 89",
           "Address 1 - Label": "Work", "Address 1 - Formatted": "12 Rue de Rivoli\n75001 Paris\nFrance"}),
        n({"First Name": "Maria", "Middle Name": "José", "Last Name": "García López",
           "Notes": "Prefers WhatsApp, not calls", "Labels": "* myContacts",
           "Phone 1 - Label": "Grandma", "Phone 1 - Value": "+34 612 34 56 78"}),
        n({"First Name": "小明", "Last Name": "王", "Labels": "* myContacts",
           "E-mail 1 - Label": "", "E-mail 1 - Value": "xiaoming@example.cn"})]
open(f"{out}/google_contacts_new.csv", "wb").write(("\n".join(csv_row(r) for r in rows) + "\n").encode())

# ---------------------------------------------------------------- Outlook, classic export, windows-1252, CRLF
oh = ["Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
      "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
      "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3",
      "Home City", "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2",
      "Other Street 3", "Other City", "Other State", "Other Postal Code", "Other Country/Region",
      "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
      "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax",
      "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex", "Account",
      "Anniversary", "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
      "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type", "E-mail Display Name",
      "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
      "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
      "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
      "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private",
      "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4",
      "Web Page"]
def o(d):
    r = [""] * len(oh)
    for k, v in d.items():
        r[oh.index(k)] = v
    r[oh.index("Gender")] = r[oh.index("Gender")] or "Unspecified"
    r[oh.index("Priority")] = "Normal"
    r[oh.index("Private")] = "False"
    r[oh.index("Sensitivity")] = "Normal"
    r[oh.index("Anniversary")] = "0/0/00"
    r[oh.index("Birthday")] = "0/0/00"
    return r
rows = [oh,
        o({"Title": "Hr.", "First Name": "Jürgen", "Last Name": "Größer", "Company": "Bäckerei Größer",
           "Business Street": "Hauptstraße 5", "Business City": "Köln", "Business Postal Code": "50667",
           "Business Phone": "+44 20 7946 0958 ext. 123", "Mobile Phone": "0151 2345 6789",
           "Home Phone": "(030) 123 456-78", "Business Fax": "+49 221 1234599",
           "E-mail Address": "j.groesser@example.de", "E-mail Type": "SMTP",
           "E-mail Display Name": "Jürgen Größer (j.groesser@example.de)",
           "Notes": "Liefert Brötchen, „immer pünktlich“.\r\nRechnung: 20 € netto"}),
        o({"First Name": "François", "Middle Name": "Marie", "Last Name": "Lefèvre", "Suffix": "Jr.",
           "Company Main Phone": "+33 1 23 45 67 89", "Primary Phone": "555.0199",
           "Other Phone": "00 33 1 23 45 67 89",
           "E-mail Address": "f.lefevre@example.fr", "E-mail Type": "SMTP",
           "E-mail 2 Address": "francois@example.org", "E-mail 2 Type": "SMTP"}),
        o({"Company": "Müller, Schmidt & Partner", "Business Phone": "+1 (415) 555-0132"})]
text = "\r\n".join(csv_row(r, always_quote=True) for r in rows) + "\r\n"
open(f"{out}/outlook_contacts.csv", "wb").write(text.encode("cp1252"))

# ---------------------------------------------------------------- Outlook, UTF-16LE with BOM
uh = ["First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi", "Surname Yomi",
      "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone", "Home Phone 2",
      "Business Phone", "Business Phone 2", "Mobile Phone", "Car Phone", "Other Phone", "Primary Phone",
      "Pager", "Business Fax", "Home Fax", "Other Fax", "Company Main Phone", "Callback", "Radio Phone",
      "Telex", "TTY/TDD Phone", "IMAddress", "Job Title", "Department", "Company", "Office Location",
      "Manager's Name", "Assistant's Name", "Assistant's Phone", "Company Yomi", "Business Street",
      "Business City", "Business State", "Business Postal Code", "Business Country/Region", "Home Street",
      "Home City", "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other City",
      "Other State", "Other Postal Code", "Other Country/Region", "Personal Web Page", "Spouse", "Schools",
      "Hobby", "Location", "Web Page", "Birthday", "Anniversary", "Notes"]
def u(d):
    r = [""] * len(uh)
    for k, v in d.items():
        r[uh.index(k)] = v
    return r
rows = [uh,
        u({"First Name": "Γιώργος", "Last Name": "Παπαδόπουλος", "Mobile Phone": "+30 694 123 4567",
           "E-mail Address": "giorgos@example.gr", "Notes": "Ζάχαρη, όχι γάλα"}),
        u({"First Name": "Дмитрий", "Last Name": "Иванов", "Business Phone": "+7 495 123-45-67",
           "Home Phone": "0151 2345 6789", "E-mail Address": "d.ivanov@example.ru",
           "E-mail 2 Address": "dima@example.com"}),
        u({"First Name": "美咲", "Last Name": "佐藤", "Given Yomi": "みさき", "Surname Yomi": "さとう",
           "Car Phone": "090-8765-4321", "Pager": "555.0199"})]
text = "\r\n".join(csv_row(r) for r in rows) + "\r\n"
open(f"{out}/outlook_contacts_utf16.csv", "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))

# ---------------------------------------------------------------- Thunderbird (a generic CSV)
th = ["First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
      "Screen Name", "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number",
      "Home Address", "Home Address 2", "Home City", "Home State", "Home ZipCode", "Home Country",
      "Work Address", "Work Address 2", "Work City", "Work State", "Work ZipCode", "Work Country",
      "Job Title", "Department", "Organization", "Web Page 1", "Web Page 2", "Birth Year", "Birth Month",
      "Birth Day", "Custom 1", "Custom 2", "Custom 3", "Custom 4", "Notes", ""]
def t(d):
    r = [""] * len(th)
    for k, v in d.items():
        r[th.index(k)] = v
    return r
rows = [th,
        t({"First Name": "Ólafur", "Last Name": "Sigurðsson", "Display Name": "Óli Sigurðsson",
           "Primary Email": "oli@example.is", "Work Phone": "+354 555 0199", "Mobile Number": "555.0199",
           "Fax Number": "+354 555 0100"}),
        t({"First Name": "Kim", "Last Name": "Lee", "Secondary Email": "kim.lee@example.kr"})]
open(f"{out}/thunderbird.csv", "wb").write(("\n".join(csv_row(r) for r in rows) + "\n").encode())

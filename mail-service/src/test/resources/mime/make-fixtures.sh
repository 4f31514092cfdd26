#!/usr/bin/env bash
# Regenerates the PGP/MIME fixtures of MimeFixturesTest: messages built the way Thunderbird (Enigmail), Mutt and K-9
# Mail build them (RFC 3156), with real signatures and ciphertexts made by gpg with a throw-away key whose public half
# is fixture-key.asc. The secret key is deleted with its temporary home. Run from this directory: bash make-fixtures.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(mktemp -d /tmp/fixgpg.XXXXXX)
trap 'gpgconf --homedir "$home" --kill all; rm -rf "$home"' EXIT
g() { gpg --homedir "$home" --batch --no-tty --yes --pinentry-mode loopback --passphrase '' "$@"; }
crlf() { sed 's/$/\r/'; }

g --quick-gen-key 'Alice Fixture <alice@example.org>' ed25519 sign never
fpr=$(g --with-colons --list-keys alice@example.org | awk -F: '/^fpr/ {print $10; exit}')
g --quick-add-key "$fpr" cv25519 encr never
g --armor --export alice@example.org > "$here/fixture-key.asc"
keydata=$(g --export --export-options export-minimal alice@example.org | base64 -w 76 | sed 's/^/ /')

sign() { g --armor --detach-sign --digest-algo SHA256 -u alice@example.org; }

# --- Thunderbird 115: multipart/signed around multipart/mixed with protected headers, LF-stored (a Unix mbox) ---
tb=$(mktemp)
crlf > "$tb" <<'PART'
Content-Type: multipart/mixed; boundary="------------mixUwQ4ZK2Xc0x9";
 protected-headers="v1"
Message-ID: <3b1f5c3e-5d6a-4f1e-9a77-2d1e0c8b9a10@example.org>
Date: Tue, 12 Mar 2024 10:15:00 +0100
MIME-Version: 1.0
From: Alice Fixture <alice@example.org>
To: Bob <bob@example.net>
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=

--------------mixUwQ4ZK2Xc0x9
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: quoted-printable

Hallo Bob,

sch=C3=B6ne Gr=C3=BC=C3=9Fe, der Bericht h=C3=A4ngt an.

Alice

--------------mixUwQ4ZK2Xc0x9
Content-Type: application/pdf; name="=?UTF-8?B?QmVyaWNodCDDhHJ6dGUucGRm?="
Content-Disposition: attachment;
 filename*=UTF-8''%42%65%72%69%63%68%74%20%C3%84%72%7A%74%65%2E%70%64%66
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0
ZURlY29kZT4+CnN0cmVhbQo=

--------------mixUwQ4ZK2Xc0x9--
PART
sig=$(sign < "$tb" | crlf)
{
  crlf <<HEAD
Message-ID: <3b1f5c3e-5d6a-4f1e-9a77-2d1e0c8b9a10@example.org>
Date: Tue, 12 Mar 2024 10:15:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: Bob <bob@example.net>
From: Alice Fixture <alice@example.org>
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=
Autocrypt: addr=alice@example.org; keydata=
$keydata
Content-Type: multipart/signed; micalg=pgp-sha256;
 protocol="application/pgp-signature";
 boundary="------------sigP0aHqW1jYkqG7Jc"

This is an OpenPGP/MIME signed message (RFC 4880 and 3156)
--------------sigP0aHqW1jYkqG7Jc
HEAD
  cat "$tb"
  crlf <<TAIL

--------------sigP0aHqW1jYkqG7Jc
Content-Type: application/pgp-signature; name="OpenPGP_signature.asc"
Content-Description: OpenPGP digital signature
Content-Disposition: attachment; filename="OpenPGP_signature.asc"

$(echo "$sig" | tr -d '\r')

--------------sigP0aHqW1jYkqG7Jc--
TAIL
} | tr -d '\r' > "$here/thunderbird-signed.eml"
cp "$tb" "$here/thunderbird-signed.part"; chmod 644 "$here/thunderbird-signed.part"

# --- Mutt 2.x: text/plain, quoted-printable because of the "-- " signature separator, CRLF-stored ---
mp=$(mktemp)
crlf > "$mp" <<'PART'
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline
Content-Transfer-Encoding: quoted-printable

Hi Bob,

the build is green again.

--=20
Alice
PART
sig=$(sign < "$mp" | tr -d '\r')
{
  crlf <<HEAD
Date: Wed, 13 Mar 2024 08:00:00 +0000
From: Alice Fixture <alice@example.org>
To: bob@example.net
Subject: build status
Message-ID: <20240313080000.GA1234@example.org>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256;
	protocol="application/pgp-signature"; boundary="zYM0uCDKw75PZbzx"
Content-Disposition: inline

--zYM0uCDKw75PZbzx
HEAD
  cat "$mp"
  crlf <<TAIL

--zYM0uCDKw75PZbzx
Content-Type: application/pgp-signature; name="signature.asc"
Content-Description: Digital signature

$sig

--zYM0uCDKw75PZbzx--
TAIL
} > "$here/mutt-signed.eml"

# --- K-9 Mail: multipart/alternative signed, no preamble, boundary style ----XYZ ---
kp=$(mktemp)
crlf > "$kp" <<'PART'
Content-Type: multipart/alternative; boundary="----K9ALT7Q2W3E4R5T6"

------K9ALT7Q2W3E4R5T6
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Treffen um 15 Uhr? =E2=98=95
------K9ALT7Q2W3E4R5T6
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Treffen um 15 Uhr? =E2=98=95</p>
------K9ALT7Q2W3E4R5T6--
PART
sig=$(sign < "$kp" | tr -d '\r')
{
  crlf <<HEAD
MIME-Version: 1.0
Content-Type: multipart/signed; boundary="----K9SIG1A2S3D4F5G6";
 protocol="application/pgp-signature"; micalg=pgp-sha256
From: Alice Fixture <alice@example.org>
Date: Thu, 14 Mar 2024 14:02:11 +0100
Message-ID: <k9-0d8e2f01@example.org>
Subject: Kaffee
To: "Bob B." <bob@example.net>

------K9SIG1A2S3D4F5G6
HEAD
  cat "$kp"
  crlf <<TAIL

------K9SIG1A2S3D4F5G6
Content-Type: application/pgp-signature; name=signature.asc

$sig
------K9SIG1A2S3D4F5G6--
TAIL
} > "$here/k9-signed.eml"

# --- Enigmail / Thunderbird: multipart/encrypted, signed and encrypted in one pass ---
inner=$(mktemp)
crlf > "$inner" <<'PART'
Content-Type: multipart/mixed; boundary="------------innerZb3mQ"; protected-headers="v1"
From: Alice Fixture <alice@example.org>
To: Bob <bob@example.net>
Subject: Vertraulich: Angebot

--------------innerZb3mQ
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Das Angebot liegt bei 12.000 €.

--------------innerZb3mQ--
PART
ct=$(g --armor --encrypt --sign -r alice@example.org -u alice@example.org < "$inner" | tr -d '\r')
{
  crlf <<MSG
From: Alice Fixture <alice@example.org>
To: Bob <bob@example.net>
Subject: ...
Message-ID: <enig-5e1f@example.org>
Date: Fri, 15 Mar 2024 09:30:00 +0100
MIME-Version: 1.0
Content-Type: multipart/encrypted;
 protocol="application/pgp-encrypted";
 boundary="------------enigA1B2C3D4E5"

This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
--------------enigA1B2C3D4E5
Content-Type: application/pgp-encrypted
Content-Description: PGP/MIME version identification

Version: 1

--------------enigA1B2C3D4E5
Content-Type: application/octet-stream; name="encrypted.asc"
Content-Description: OpenPGP encrypted message
Content-Disposition: inline; filename="encrypted.asc"

$ct

--------------enigA1B2C3D4E5--
MSG
} > "$here/enigmail-encrypted.eml"

# --- Exchange's rewrite of the same message into multipart/mixed ---
{
  crlf <<HEAD
From: Alice Fixture <alice@example.org>
To: Bob <bob@example.net>
Subject: ...
Message-ID: <enig-5e1f@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="_003_exch_"

--_003_exch_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable


--_003_exch_
Content-Type: application/pgp-encrypted; name="PGPMIME version identification"
Content-Description: PGP/MIME version identification
Content-Disposition: attachment; filename="PGPMIME version identification"
Content-Transfer-Encoding: base64

VmVyc2lvbjogMQ0K

--_003_exch_
Content-Type: application/octet-stream; name="encrypted.asc"
Content-Description: OpenPGP encrypted message.asc
Content-Disposition: attachment; filename="encrypted.asc"
Content-Transfer-Encoding: base64

$(echo "$ct" | base64 -w 76)

--_003_exch_--
HEAD
} > "$here/exchange-encrypted.eml"

# --- K-9 / old Enigmail inline PGP: an armored message between plain text ---
inl=$(printf 'Geheim: die Zugangsdaten.\n' | g --armor --encrypt -r alice@example.org | tr -d '\r')
{
  crlf <<MSG
From: Alice Fixture <alice@example.org>
To: bob@example.net
Subject: inline
Message-ID: <inline-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Hi Bob, see below.

$inl

-- 
sent from K-9 Mail
MSG
} > "$here/inline-encrypted.eml"

# --- gpg --clearsign of UTF-8 text (dash-escaped lines, trailing blanks, a "From " line), sent quoted-printable ---
printf 'Grüße an alle,\n- erste Zeile mit Strich   \n-----BEGIN PGP MESSAGE----- ist nur Text\nFrom here on: Ende.\t\n\nletzte Zeile' > "$here/clearsigned.txt"
g --clearsign --digest-algo SHA256 -u alice@example.org < "$here/clearsigned.txt" > "$here/clearsigned.asc"
{
  crlf <<MSG
From: Alice Fixture <alice@example.org>
To: bob@example.net
Subject: signed inline
Message-ID: <clear-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Vorab, nicht signiert.

MSG
  python3 -c 'import quopri,sys; sys.stdout.write(quopri.encodestring(open(sys.argv[1],"rb").read().replace(b"\r\n",b"\n")).decode().replace("\n","\r\n"))' "$here/clearsigned.asc"
  crlf <<MSG

Nachsatz, nicht signiert.
MSG
} > "$here/clearsigned-inline.eml"

# --- A mailing list appended a footer: the signed message is one part of a multipart/mixed ---
{
  crlf <<HEAD
From: Alice Fixture <alice@example.org>
To: list@lists.example.net
Subject: build status
Message-ID: <20240313080000.GA1234@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="===============list42=="

--===============list42==
HEAD
  # the signed entity of the Mutt message, its Content-Type first
  sed -n '/^Content-Type: multipart\/signed/,$p' "$here/mutt-signed.eml"
  crlf <<TAIL

--===============list42==
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

_______________________________________________
list mailing list -- unsubscribe: list-leave@lists.example.net

--===============list42==--
TAIL
} > "$here/list-footer-signed.eml"
rm -f "$tb" "$mp" "$kp" "$inner"
echo "fixtures written"

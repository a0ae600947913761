"""``inspector-app identity …``: this device's keys, its card, trusted cards, the passphrase."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app import identity, labels, services
from inspector_app.commands.common import read_passphrase
from inspector_app.i18n import N_, bi, labelled, verbatim
from inspector_app.services.identities import with_display


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "identity",
        parents=parents,
        allow_abbrev=False,
        help=N_("this device's identity: keys, card, trusted cards"),
        description=N_(
            "This device's signing (Ed25519) and encryption (age X25519) keys, "
            "kept encrypted under a passphrase."
        ),
    )
    sub = parser.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "init", parents=parents, allow_abbrev=False, help=N_("create this device's identity")
    )
    p.add_argument("--name", required=True, help=N_("the person's (or agency's) name"))
    p.add_argument("--role", required=True, choices=identity.ROLES)
    p.add_argument(
        "--device", metavar="LABEL", help=N_("a label for this device (default: host name)")
    )
    p.add_argument("--json", action="store_true", help=N_("print JSON"))
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser(
        "show", parents=parents, allow_abbrev=False, help=N_("name, role, device, fingerprints")
    )
    p.add_argument("--json", action="store_true", help=N_("print JSON"))
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser(
        "export-card",
        parents=parents,
        allow_abbrev=False,
        help=N_("write this device's public card"),
    )
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_export_card)

    p = sub.add_parser(
        "export-age-identity",
        parents=parents,
        allow_abbrev=False,
        help=N_("write the age secret key (a SECRET file) for the standard age tool"),
    )
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_export_age_identity)

    p = sub.add_parser(
        "trust", parents=parents, allow_abbrev=False, help=N_("trust another side's card")
    )
    p.add_argument("card", metavar="CARD")
    p.add_argument("--json", action="store_true", help=N_("print JSON"))
    p.set_defaults(handler=cmd_trust)

    p = sub.add_parser(
        "trusted", parents=parents, allow_abbrev=False, help=N_("list the trusted cards")
    )
    p.add_argument("--json", action="store_true", help=N_("print JSON"))
    p.set_defaults(handler=cmd_trusted)

    p = sub.add_parser(
        "passwd",
        parents=parents,
        allow_abbrev=False,
        help=N_(
            "change the passphrase (the new one from --new-passphrase-file, "
            "INSPECTOR_NEW_PASSPHRASE or the terminal)"
        ),
    )
    p.add_argument(
        "--new-passphrase-file", metavar="FILE", help=N_("read the new passphrase from FILE")
    )
    p.set_defaults(handler=cmd_passwd)


def _show(ctx: Any, info: identity.IdentityInfo) -> None:
    # each value after its label and the language's colon; the role in words
    ctx.out(labelled(bi("Name"), verbatim(info.name)))
    ctx.out(labelled(bi("Role"), labels.role(info.role)))
    ctx.out(labelled(bi("Device"), verbatim(info.device)))
    ctx.out(labelled(bi("Fingerprint"), verbatim(identity.format_fingerprint(info.fingerprint))))
    ctx.out(labelled(bi("Encryption key (age)"), verbatim(info.age_recipient)))
    ctx.out(labelled(bi("Created"), verbatim(info.created_at)))


def cmd_init(args: argparse.Namespace, ctx: Any) -> int:
    services.require_no_identity(ctx.home)  # refused before the passphrase is asked
    passphrase = ctx.passphrase(confirm=True, prompt=bi("New passphrase"))
    view = services.create_identity(ctx.home, args.name, args.role, passphrase, args.device)
    if args.json:
        ctx.print_json(view.to_json(with_trusted=False))
    else:
        ctx.err(bi("Identity created; keep the passphrase safe: it cannot be recovered."))
        _show(ctx, view.info)
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    view = services.show_identity(ctx.home)
    if args.json:
        ctx.print_json(view.to_json())
    else:
        _show(ctx, view.info)
    return 0


def cmd_export_card(args: argparse.Namespace, ctx: Any) -> int:
    out = Path(args.out)
    card = services.export_card(ctx.home, out)
    ctx.err(
        bi(
            "Card written to {path}; fingerprint {fingerprint} (compare it by phone when handing it over).",
            path=str(out),
            fingerprint=identity.format_fingerprint(card.fingerprint),
        )
    )
    return 0


def cmd_export_age_identity(args: argparse.Namespace, ctx: Any) -> int:
    signer = services.unlock_identity(ctx.home, ctx.passphrase(prompt=bi("Passphrase")))
    out = services.export_age_identity(signer, args.out)
    ctx.err(
        bi(
            "WARNING: {path} holds your SECRET age key in the clear. Anyone with this file can decrypt what is sent to you. Keep it on an encrypted disk and delete it when done.",
            path=str(out),
        )
    )
    return 0


def cmd_trust(args: argparse.Namespace, ctx: Any) -> int:
    card = services.trust_card(ctx.home, args.card)
    if args.json:
        ctx.print_json(with_display(card))
    else:
        ctx.out(
            bi(
                "Trusted {role} card of {name} ({device}).",
                role=card.role,
                name=card.name,
                device=card.device,
            )
        )
        ctx.out(f"{bi('Fingerprint')}: {identity.format_fingerprint(card.fingerprint)}")
        ctx.err(
            bi(
                "Check this fingerprint with the card's owner through another channel (phone, in person)."
            )
        )
    return 0


def cmd_trusted(args: argparse.Namespace, ctx: Any) -> int:
    cards = services.trusted_cards(ctx.home)
    if args.json:
        ctx.print_json([with_display(c) for c in cards])
    else:
        for c in cards:
            ctx.out(
                f"{identity.format_fingerprint(c.fingerprint)}  "
                f"{labels.ljust(labels.role(c.role), 10)} {c.name} ({c.device})"
            )
    return 0


def cmd_passwd(args: argparse.Namespace, ctx: Any) -> int:
    identity.load(ctx.home)  # no identity: refused before any passphrase is asked
    old = ctx.passphrase(prompt=bi("Current passphrase"))
    new = read_passphrase(
        args.new_passphrase_file,
        "INSPECTOR_NEW_PASSPHRASE",
        no_terminal=bi(
            "No new passphrase: use --new-passphrase-file or INSPECTOR_NEW_PASSPHRASE when there is no terminal."
        ),
        prompt=bi("New passphrase"),
        confirm=True,
    )
    services.change_passphrase(ctx.home, old, new)
    ctx.err(bi("The passphrase was changed."))
    return 0

"""Tests of the protocol checker (scripts/check_protocol.py): it accepts the published examples and
names what is wrong in a damaged copy of them. Run: python3 -m unittest discover -s scripts -p "test_*.py".
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKER = os.path.join(ROOT, "scripts", "check_protocol.py")
EXAMPLES = os.path.join(ROOT, "protocol", "examples")


def check(*files):
    """Runs the checker from a temporary folder (extra files are named relative to it)."""
    return subprocess.run([sys.executable, CHECKER, *files], capture_output=True, text=True)


def example(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as file:
        return file.read()


class CheckerTests(unittest.TestCase):
    def damaged(self, name, change):
        """A copy of an example with one change, in a temporary file; returns the checker's result."""
        text = change(example(name))
        self.assertNotEqual(text, example(name), "the change must change something")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, name)
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            return check(path)

    def test_the_examples_pass(self):
        result = check()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(" 0 errors", result.stdout)

    def test_a_changed_value_in_a_bundle_breaks_its_trailer_and_chain(self):
        result = self.damaged(
            "concurrent-edit.bundle.ndjson", lambda text: text.replace('"value":"dat"', '"value":"khong-dat"', 1))
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertRegex(result.stdout, r"sha256 is [0-9a-f]{64} but the operation lines hash to")

    def test_a_wrong_signature_is_named(self):
        def flip(text):
            return re.sub(r'("signature":")([0-9a-f])', lambda m: m.group(1) + ("0" if m.group(2) != "0" else "1"),
                          text, count=1)
        result = self.damaged("session-sync.ndjson", flip)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("the signature does not verify", result.stdout)

    def test_a_damaged_chunk_in_a_bundles_file_section_is_named(self):
        def flip(text):
            start = text.index('"index":1,"data":"') + 40
            return text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1:]
        result = self.damaged("evidence-file.bundle.ndjson", flip)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("chunk 1 does not hash to the manifest's chunk hash", result.stdout)
        self.assertIn("the chunks do not make the file", result.stdout)

    def test_a_file_section_cut_off_or_miscounted_is_named(self):
        result = self.damaged("evidence-file.bundle.ndjson", lambda text: text[: text.index('{"type":"files-end"')])
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("no files-end line", result.stdout)
        result = self.damaged("evidence-file.bundle.ndjson", lambda text: text.replace('"chunks":2}', '"chunks":3}'))
        self.assertIn("chunks is 3 but the section holds 2 chunk lines", result.stdout)
        result = self.damaged("evidence-file.bundle.ndjson", lambda text: text.replace('"version":2', '"version":1'))
        self.assertIn("nothing may follow it in a version 1 bundle", result.stdout)

    def test_a_summarys_files_are_checked(self):
        result = self.damaged(
            "summary.ndjson", lambda text: text.replace('}}\n', '},"files":["ffff000011112222","0000111122223333"]}\n', 1))
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn('"files" must be written sorted', result.stdout)

    def test_a_duplicate_member_is_refused(self):
        result = self.damaged("summary.ndjson", lambda text: text.replace('{"type":"summary",', '{"type":"summary","type":"summary",', 1))
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("duplicate", result.stdout.lower())

    def test_an_integer_assessment_value_is_refused(self):
        line = ('{"type":"op","origin":"xa-dan-ly-1","seq":1,"table":"assessment","row":"dan-ly/qd1980-2016/17.1",'
                '"column":"value","value":100,"context":{},"author":"Lan","wall_ms":1541131200000}\n')
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "value.ndjson")
            with open(path, "w", encoding="utf-8") as file:
                file.write(line)
            result = check(path)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("assessment.value", result.stdout)

    def test_a_missing_file_is_an_error(self):
        result = check("/nonexistent/file.ndjson")
        self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    unittest.main()

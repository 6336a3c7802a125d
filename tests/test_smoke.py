from tests.crawl import crawl


def test_registrar_lavote_replays_the_snapshot_into_announcements(tmp_path):
    result = crawl("registrar_lavote", tmp_path)
    assert result.returncode == 0, result.output
    titles = {row["title"] for row in result.db["announcements"].rows}
    assert "Full Count Completed on Petition to Recall District Attorney George Gascón" in titles
    assert result.last_run("registrar_lavote")["status"] == "ok"

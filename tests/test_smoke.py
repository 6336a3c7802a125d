from tests.crawl import crawled


def test_registrar_lavote_replays_the_snapshot_into_announcements(tmp_path):
    result = crawled("registrar_lavote", tmp_path)
    titles = {row["title"] for row in result.db["announcements"].rows}
    assert "Full Count Completed on Petition to Recall District Attorney George Gascón" in titles
    assert result.last_run("registrar_lavote")["status"] == "ok"

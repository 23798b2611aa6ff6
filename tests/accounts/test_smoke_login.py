def test_login_then_home(client, user_factory, login):
    user = user_factory("gestionnaire")
    login(user)
    html = client.get("/compte").get_data(as_text=True)
    assert "Bonjour Camille Martin" in html

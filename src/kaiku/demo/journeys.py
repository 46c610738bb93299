"""Demo service paths (in Finnish) seeded by `kaiku demo`: generated, not real organisations."""

from typing import Any

DEMO_TEAMS: list[str] = [
    "Asiakaspalvelu",
    "Ajanvaraus",
    "Vastaanotto",
    "Laboratorio ja kuvantaminen",
    "Korvauskäsittely",
    "Asiakirjapalvelut",
    "IT ja digipalvelut",
    "Laskutus ja maksuliikenne",
]

DEMO_SEGMENTS: list[dict[str, str]] = [
    {
        "name": "Ensikertalainen",
        "description": (
            "Asioi palvelussa ensimmäistä kertaa eikä vielä tunne käytäntöjä, kanavia tai termejä."
        ),
    },
    {
        "name": "Pitkäaikaissairas",
        "description": (
            "Asioi säännöllisesti ja odottaa hoidon jatkuvuutta, tuttua ammattilaista "
            "ja sujuvaa tiedonkulkua."
        ),
    },
    {
        "name": "Omainen",
        "description": (
            "Hoitaa asioita läheisensä puolesta, usein kuormittavassa tai surullisessa "
            "elämäntilanteessa."
        ),
    },
    {
        "name": "Ikääntynyt asiakas",
        "description": (
            "Suosii puhelinta ja kasvokkaista asiointia ja tarvitsee selkeää, kiireetöntä "
            "opastusta digipalveluihin."
        ),
    },
    {
        "name": "Kiireinen työssäkäyvä",
        "description": (
            "Haluaa hoitaa asiat nopeasti verkossa tai sovelluksessa työpäivän lomassa."
        ),
    },
]

DEMO_JOURNEYS: list[dict[str, Any]] = [
    {
        "name": "Lääkärikäynti terveysasemalla",
        "description": (
            "Asiakkaan polku terveysaseman lääkärikäynnillä oireiden ilmaantumisesta "
            "ajanvaraukseen, vastaanottoon ja jälkihoitoon."
        ),
        "stages": [
            {
                "name": "Tarve ja tiedonhaku",
                "description": (
                    "Asiakas huomaa oireita ja selvittää, tarvitseeko hän lääkäriä "
                    "ja miten hoitoon pääsee."
                ),
                "touchpoints": [
                    {
                        "name": "Oireiden arviointi verkossa",
                        "description": (
                            "Asiakas täyttää sähköisen oirearvion ja miettii, tarvitseeko "
                            "hän lääkärin vastaanottoa."
                        ),
                        "channel": "web",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Terveysaseman verkkosivut",
                        "description": (
                            "Verkkosivuilla kerrotaan aukioloajat, palvelut ja ohjeet "
                            "ajanvaraukseen ja kiireelliseen hoitoon."
                        ),
                        "channel": "web",
                        "layer": "frontstage",
                        "owner_team": "IT ja digipalvelut",
                    },
                    {
                        "name": "Oirearviopalvelu",
                        "description": (
                            "Sähköinen oirearvio ohjaa asiakkaan kiireellisyyden mukaan "
                            "oikeaan palveluun ja välittää tiedot hoitajalle."
                        ),
                        "channel": "web",
                        "layer": "support",
                        "owner_team": "IT ja digipalvelut",
                    },
                ],
            },
            {
                "name": "Ajanvaraus",
                "description": (
                    "Asiakas varaa ajan puhelimitse tai verkossa, ja hoidon tarve "
                    "arvioidaan ennen varausta."
                ),
                "touchpoints": [
                    {
                        "name": "Soitto ajanvaraukseen",
                        "description": (
                            "Asiakas soittaa terveysaseman ajanvaraukseen ja jättää "
                            "takaisinsoittopyynnön."
                        ),
                        "channel": "phone",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Hoidon tarpeen arvio puhelimessa",
                        "description": (
                            "Hoitaja soittaa takaisin, arvioi hoidon tarpeen ja varaa "
                            "asiakkaalle sopivan ajan lääkärille."
                        ),
                        "channel": "phone",
                        "layer": "frontstage",
                        "owner_team": "Ajanvaraus",
                    },
                    {
                        "name": "Varausvahvistus ja muistutus",
                        "description": (
                            "Asiakas saa vahvistuksen varatusta ajasta ja muistutuksen "
                            "käyntiä edeltävänä päivänä."
                        ),
                        "channel": "email",
                        "layer": "frontstage",
                        "owner_team": "Ajanvaraus",
                    },
                    {
                        "name": "Ajanvarausjärjestelmä",
                        "description": (
                            "Ajanvarausjärjestelmä näyttää vapaat ajat, hallitsee "
                            "takaisinsoittojonoa ja lähettää muistutukset."
                        ),
                        "channel": "other",
                        "layer": "support",
                        "owner_team": "IT ja digipalvelut",
                    },
                ],
            },
            {
                "name": "Saapuminen ja odotus",
                "description": (
                    "Asiakas saapuu terveysasemalle, ilmoittautuu ja odottaa kutsua vastaanotolle."
                ),
                "touchpoints": [
                    {
                        "name": "Ilmoittautuminen saapuessa",
                        "description": (
                            "Asiakas ilmoittautuu ilmoittautumisautomaatilla tai aulan "
                            "palvelupisteessä."
                        ),
                        "channel": "in_person",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Neuvonta aulan palvelupisteessä",
                        "description": (
                            "Palvelupisteen työntekijä tarkistaa henkilötiedot ja neuvoo, "
                            "missä asiakas odottaa vuoroaan."
                        ),
                        "channel": "in_person",
                        "layer": "frontstage",
                        "owner_team": "Vastaanotto",
                    },
                    {
                        "name": "Odotus aulassa",
                        "description": (
                            "Asiakas odottaa aulassa, kunnes hänet kutsutaan vastaanotolle "
                            "nimellä tai vuoronumerolla."
                        ),
                        "channel": "in_person",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Potilasjonon seuranta",
                        "description": (
                            "Henkilökunta seuraa saapuneita potilaita ja vastaanottojen "
                            "aikataulua ja kutsuu seuraavan potilaan sisään."
                        ),
                        "channel": "other",
                        "layer": "backstage",
                        "owner_team": "Vastaanotto",
                    },
                ],
            },
            {
                "name": "Vastaanotto",
                "description": (
                    "Lääkäri kuuntelee asiakasta, tutkii hänet ja sopii yhdessä hänen "
                    "kanssaan jatkosta."
                ),
                "touchpoints": [
                    {
                        "name": "Oireiden kertominen lääkärille",
                        "description": (
                            "Asiakas kertoo oireistaan ja huolistaan ja kysyy, mitä "
                            "hoito tarkoittaa hänen arjessaan."
                        ),
                        "channel": "in_person",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Lääkärin vastaanotto",
                        "description": (
                            "Lääkäri tutkii asiakkaan, kertoo mahdollisesta diagnoosista "
                            "ja määrää tarvittavat tutkimukset tai lääkkeet."
                        ),
                        "channel": "in_person",
                        "layer": "frontstage",
                        "owner_team": "Vastaanotto",
                    },
                    {
                        "name": "Potilastietojärjestelmän kirjaus",
                        "description": (
                            "Lääkäri kirjaa käynnin tiedot, diagnoosin ja hoitosuunnitelman "
                            "potilastietojärjestelmään."
                        ),
                        "channel": "other",
                        "layer": "backstage",
                        "owner_team": "Vastaanotto",
                    },
                ],
            },
            {
                "name": "Tutkimukset ja hoito",
                "description": (
                    "Asiakas käy laboratoriotutkimuksissa, ja näytteet analysoidaan "
                    "hoitopäätöksiä varten."
                ),
                "touchpoints": [
                    {
                        "name": "Laboratorionäytteiden antaminen",
                        "description": (
                            "Asiakas menee laboratorioon, ottaa vuoronumeron ja antaa "
                            "lääkärin määräämät näytteet."
                        ),
                        "channel": "in_person",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Näytteenotto laboratoriossa",
                        "description": (
                            "Laboratoriohoitaja ottaa näytteet ja kertoo, milloin "
                            "tulokset valmistuvat ja mistä ne näkee."
                        ),
                        "channel": "in_person",
                        "layer": "frontstage",
                        "owner_team": "Laboratorio ja kuvantaminen",
                    },
                    {
                        "name": "Näytteiden analysointi",
                        "description": (
                            "Laboratorio analysoi näytteet ja siirtää tulokset "
                            "potilastietojärjestelmään lääkärin arvioitaviksi."
                        ),
                        "channel": "other",
                        "layer": "backstage",
                        "owner_team": "Laboratorio ja kuvantaminen",
                    },
                ],
            },
            {
                "name": "Jälkihoito ja seuranta",
                "description": (
                    "Asiakas saa tutkimustulokset ja ohjeet jatkoon, ja käynti laskutetaan."
                ),
                "touchpoints": [
                    {
                        "name": "Tulosten katsominen sovelluksesta",
                        "description": (
                            "Asiakas lukee tutkimustulokset ja lääkärin kommentit "
                            "terveyspalvelujen mobiilisovelluksesta."
                        ),
                        "channel": "app",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Soitto tutkimustuloksista",
                        "description": (
                            "Hoitaja soittaa asiakkaalle, käy tulokset läpi ja sopii "
                            "tarvittaessa seurantakäynnin."
                        ),
                        "channel": "phone",
                        "layer": "frontstage",
                        "owner_team": "Vastaanotto",
                    },
                    {
                        "name": "Lasku käynnistä",
                        "description": (
                            "Asiakas saa asiakasmaksusta laskun postitse tai verkkopankkiin."
                        ),
                        "channel": "letter",
                        "layer": "frontstage",
                        "owner_team": "Laskutus ja maksuliikenne",
                    },
                    {
                        "name": "Laskutusjärjestelmä",
                        "description": (
                            "Laskutusjärjestelmä muodostaa asiakasmaksut käyntitiedoista "
                            "ja seuraa maksukaton täyttymistä."
                        ),
                        "channel": "other",
                        "layer": "support",
                        "owner_team": "Laskutus ja maksuliikenne",
                    },
                ],
            },
        ],
    },
    {
        "name": "Henkivakuutuskorvaus omaisen kuoltua",
        # Grief: its survey is gentle, asks no NPS and shows where to find support.
        "sensitive": True,
        "description": (
            "Omaisen polku henkivakuutuskorvauksen hakemisesta maksuun läheisen kuoleman "
            "jälkeen. Asiakas on surun keskellä, joten jokaisen vaiheen pitää olla selkeä "
            "ja inhimillinen."
        ),
        "stages": [
            {
                "name": "Ensimmäinen yhteydenotto",
                "description": (
                    "Omainen ottaa yhteyttä vakuutusyhtiöön läheisen kuoleman jälkeen "
                    "ja selvittää, mitä hänen pitää tehdä."
                ),
                "touchpoints": [
                    {
                        "name": "Ohjeiden etsiminen verkosta",
                        "description": (
                            "Omainen etsii verkkosivuilta tietoa siitä, miten "
                            "henkivakuutuskorvausta haetaan kuolemantapauksen jälkeen."
                        ),
                        "channel": "web",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Kuolemantapauksesta ilmoittaminen",
                        "description": (
                            "Omainen soittaa vakuutusyhtiöön kertoakseen läheisensä "
                            "kuolemasta ja kysyäkseen, oliko tällä henkivakuutus."
                        ),
                        "channel": "phone",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Ensimmäinen puhelu asiakaspalvelussa",
                        "description": (
                            "Asiakaspalvelija esittää osanoton, kuuntelee rauhassa ja "
                            "kertoo, miten korvausta haetaan ja mitä asiakirjoja tarvitaan."
                        ),
                        "channel": "phone",
                        "layer": "frontstage",
                        "owner_team": "Asiakaspalvelu",
                    },
                    {
                        "name": "Vakuutusten tarkistus",
                        "description": (
                            "Asiakaspalvelija tarkistaa vainajan voimassa olevat vakuutukset "
                            "ja edunsaajamääräyksen asiakastiedoista."
                        ),
                        "channel": "other",
                        "layer": "backstage",
                        "owner_team": "Asiakaspalvelu",
                    },
                ],
            },
            {
                "name": "Korvaushakemus",
                "description": (
                    "Omainen hakee korvausta verkossa ja toimittaa tarvittavat asiakirjat."
                ),
                "touchpoints": [
                    {
                        "name": "Korvaushakemuksen täyttäminen",
                        "description": (
                            "Omainen tunnistautuu verkkopalveluun ja täyttää "
                            "korvaushakemuksen omassa tahdissaan."
                        ),
                        "channel": "web",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Liitteiden toimittaminen",
                        "description": (
                            "Omainen liittää hakemukseen tarvittavat asiakirjat, kuten "
                            "kuolintodistuksen ja sukuselvityksen."
                        ),
                        "channel": "web",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Sähköinen korvaushakemus",
                        "description": (
                            "Verkkolomake kertoo vaihe vaiheelta, mitä tietoja tarvitaan, "
                            "ja tallentaa keskeneräisen hakemuksen myöhempää jatkamista varten."
                        ),
                        "channel": "web",
                        "layer": "frontstage",
                        "owner_team": "IT ja digipalvelut",
                    },
                    {
                        "name": "Sähköinen tunnistautuminen",
                        "description": (
                            "Vahva sähköinen tunnistautuminen varmistaa hakijan "
                            "henkilöllisyyden ennen hakemuksen lähettämistä."
                        ),
                        "channel": "web",
                        "layer": "support",
                        "owner_team": "IT ja digipalvelut",
                    },
                    {
                        "name": "Postitse saapuneiden asiakirjojen skannaus",
                        "description": (
                            "Postitse lähetetyt asiakirjat skannataan ja liitetään "
                            "omaisen korvaushakemukseen."
                        ),
                        "channel": "letter",
                        "layer": "backstage",
                        "owner_team": "Asiakirjapalvelut",
                    },
                ],
            },
            {
                "name": "Käsittely",
                "description": (
                    "Korvauskäsittelijä tarkistaa hakemuksen ja asiakirjat ja pyytää "
                    "tarvittaessa lisätietoja."
                ),
                "touchpoints": [
                    {
                        "name": "Vastaanottoilmoitus",
                        "description": (
                            "Omainen saa sähköpostitse vahvistuksen hakemuksen saapumisesta "
                            "ja arvion käsittelyajasta."
                        ),
                        "channel": "email",
                        "layer": "frontstage",
                        "owner_team": "Korvauskäsittely",
                    },
                    {
                        "name": "Käsittelijän yhteydenotto",
                        "description": (
                            "Korvauskäsittelijä soittaa omaiselle, jos hakemuksesta puuttuu "
                            "tietoja, ja kertoo selkeästi, mitä vielä tarvitaan."
                        ),
                        "channel": "phone",
                        "layer": "frontstage",
                        "owner_team": "Korvauskäsittely",
                    },
                    {
                        "name": "Lisäselvityksen toimittaminen",
                        "description": (
                            "Omainen toimittaa pyydetyt lisätiedot, esimerkiksi perukirjan "
                            "tai selvityksen muista edunsaajista."
                        ),
                        "channel": "email",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Kuolintodistuksen tarkistus",
                        "description": (
                            "Käsittelijä tarkistaa kuolintodistuksen ja selvittää "
                            "edunsaajamääräyksen perusteella, kenelle korvaus maksetaan."
                        ),
                        "channel": "other",
                        "layer": "backstage",
                        "owner_team": "Korvauskäsittely",
                    },
                    {
                        "name": "Korvausjärjestelmä",
                        "description": (
                            "Korvausjärjestelmä ohjaa hakemuksen käsittelijälle ja tallentaa "
                            "asiakirjat ja päätöksen perusteet."
                        ),
                        "channel": "other",
                        "layer": "support",
                        "owner_team": "IT ja digipalvelut",
                    },
                ],
            },
            {
                "name": "Päätös",
                "description": ("Vakuutusyhtiö tekee korvauspäätöksen ja kertoo sen omaiselle."),
                "touchpoints": [
                    {
                        "name": "Päätöskirje",
                        "description": (
                            "Omainen saa postitse virallisen korvauspäätöksen, jossa "
                            "kerrotaan korvauksen määrä ja päätöksen perusteet."
                        ),
                        "channel": "letter",
                        "layer": "frontstage",
                        "owner_team": "Korvauskäsittely",
                    },
                    {
                        "name": "Päätöksen lukeminen",
                        "description": (
                            "Omainen lukee päätöksen ja yrittää ymmärtää, mitä se tarkoittaa "
                            "hänen ja muiden edunsaajien kannalta."
                        ),
                        "channel": "letter",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Päätöksen läpikäynti puhelimessa",
                        "description": (
                            "Asiakaspalvelija käy päätöksen omaisen kanssa läpi ja vastaa "
                            "kysymyksiin korvauksen määrästä ja verotuksesta."
                        ),
                        "channel": "phone",
                        "layer": "frontstage",
                        "owner_team": "Asiakaspalvelu",
                    },
                ],
            },
            {
                "name": "Maksu ja jälkihoito",
                "description": (
                    "Korvaus maksetaan edunsaajille, ja vainajan vakuutusasiat hoidetaan loppuun."
                ),
                "touchpoints": [
                    {
                        "name": "Korvauksen maksun seuraaminen",
                        "description": (
                            "Omainen seuraa mobiilisovelluksesta, milloin korvaus on "
                            "maksettu hänen tililleen."
                        ),
                        "channel": "app",
                        "layer": "customer_action",
                        "owner_team": None,
                    },
                    {
                        "name": "Maksuilmoitus",
                        "description": (
                            "Omainen saa ilmoituksen maksetusta korvauksesta ja tiedon "
                            "sen verotuksesta."
                        ),
                        "channel": "email",
                        "layer": "frontstage",
                        "owner_team": "Laskutus ja maksuliikenne",
                    },
                    {
                        "name": "Maksuliikennejärjestelmä",
                        "description": (
                            "Maksuliikennejärjestelmä maksaa korvauksen edunsaajien tileille "
                            "ja ilmoittaa tiedot Verohallinnolle."
                        ),
                        "channel": "other",
                        "layer": "support",
                        "owner_team": "Laskutus ja maksuliikenne",
                    },
                    {
                        "name": "Vainajan vakuutusten päättäminen",
                        "description": (
                            "Vainajan muut vakuutukset päätetään, ja liikaa maksetut "
                            "vakuutusmaksut palautetaan kuolinpesälle."
                        ),
                        "channel": "other",
                        "layer": "backstage",
                        "owner_team": "Asiakaspalvelu",
                    },
                    {
                        "name": "Sovittu jälkiyhteydenotto",
                        "description": (
                            "Jos omainen on niin toivonut, asiakaspalvelija soittaa muutaman "
                            "viikon kuluttua ja varmistaa, että kaikki asiat on hoidettu."
                        ),
                        "channel": "phone",
                        "layer": "frontstage",
                        "owner_team": "Asiakaspalvelu",
                    },
                ],
            },
        ],
    },
]

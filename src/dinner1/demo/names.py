"""Name pools for the demo world: Moroccan, French and international given names."""

WOMEN = (
    "Amina Salma Yasmine Khadija Fatima-Zahra Imane Houda Sara Meryem Nour Kenza Rania Soukaina "
    "Hajar Ghita Zineb Nadia Loubna Asmae Chaimae Ikram Hind Leila Widad Oumaima Safae Camille "
    "Chloé Léa Manon Inès Julie Claire Sophie Emma Hannah Olivia Maya Aya Lina Rim Dounia"
).split()
MEN = (
    "Youssef Mehdi Omar Hamza Anas Karim Ayoub Amine Reda Othmane Ilyas Zakaria Adil Hicham "
    "Soufiane Yassine Badr Nabil Rachid Tarik Ismail Marouane Driss Said Walid Ali Hassan "
    "Julien Thomas Nicolas Hugo Antoine Lucas Pierre Samuel Daniel James Adam Rayan Elias Noah"
).split()
SURNAMES = (
    "Benali Alaoui Bennani Tazi Elidrissi Chraibi Berrada Fassi Lahlou Benjelloun Amrani "
    "Mansouri Haddad Ouazzani Kettani Sqalli Bouzidi Naciri Cherkaoui Zniber Hajji Slaoui "
    "Bouchama Tahiri Rahmouni Lamrani Dupont Martin Bernard Moreau Laurent Lefebvre Girard "
    "Roux Fournier Smith Garcia Rossi Müller"
).split()
VENUE_OWNERS = (
    ("Rachid", "Berrada", "Casablanca"),
    ("Nawal", "Tazi", "Casablanca"),
    ("Karim", "Lahlou", "Casablanca"),
    ("Sophie", "Moreau", "Casablanca"),
    ("Abdellah", "Fassi", "Rabat"),
    ("Samira", "Alaoui", "Rabat"),
    ("Hicham", "Naciri", "Rabat"),
    ("Latifa", "Kettani", "Rabat"),
    ("Mustapha", "Ouazzani", "Marrakech"),
    ("Jamila", "Cherkaoui", "Marrakech"),
    ("Pierre", "Girard", "Marrakech"),
    ("Zineb", "Sqalli", "Marrakech"),
)
